/// This build's version: `stackcross --version` and every trace header say it.
public enum StackCrossVersion {
    public static let string = "0.7.0"
}
