/// Column layout for the text tables (summary, check, profile --top): one definition of padding.
extension String {
    /// Right-aligned in `n` columns, as printf's `%*s`; a longer string is kept whole.
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    /// Left-aligned in `n` columns, as printf's `%-*s`; a longer string is kept whole.
    func rightPadded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
