/// Syscall names by number for one ABI, from the generated tables (asm/unistd_64.h, asm/unistd_32.h).
public struct SyscallTable: Sendable {
    public let abi: SyscallABI
    /// AUDIT_ARCH_* value the kernel reports for this ABI (seccomp_data.arch, PTRACE_GET_SYSCALL_INFO).
    public let auditArch: UInt32
    private let names: [String?]
    private let numbers: [String: Int]

    init(abi: SyscallABI, entries: [(Int, String)]) {
        self.abi = abi
        self.auditArch = abi.auditArch
        var limit = 0
        for e in entries where e.0 >= limit { limit = e.0 + 1 }
        var names = [String?](repeating: nil, count: limit)
        var numbers = [String: Int](minimumCapacity: entries.count)
        for (nr, name) in entries {
            names[nr] = name
            numbers[name] = nr
        }
        self.names = names
        self.numbers = numbers
    }

    public static let x86_64 = SyscallTable(abi: .x86_64, entries: x86_64Entries)
    public static let i386 = SyscallTable(abi: .i386, entries: i386Entries)
    public static let all: [SyscallTable] = [.x86_64, .i386]

    /// The table of an ABI.
    public static func `for`(abi: SyscallABI) -> SyscallTable {
        switch abi {
        case .x86_64: .x86_64
        case .i386: .i386
        }
    }

    /// The table for an AUDIT_ARCH_* value; nil for any other architecture (x32 included).
    public static func `for`(auditArch: UInt32) -> SyscallTable? {
        all.first { $0.auditArch == auditArch }
    }

    /// The name of syscall `nr`, nil when this ABI has none.
    public func name(_ nr: Int64) -> String? {
        guard nr >= 0, nr < names.count else { return nil }
        return names[Int(nr)]
    }

    /// The name, or `syscall_NNN` as strace prints an unknown number.
    public func displayName(_ nr: Int64) -> String {
        name(nr) ?? "syscall_\(nr)"
    }

    public func number(of name: String) -> Int? { numbers[name] }

    /// How many syscalls this ABI defines.
    public var count: Int { numbers.count }

    /// Every defined number, ascending.
    public var allNumbers: [Int] { names.indices.filter { names[$0] != nil } }

    /// Every defined name, by ascending number.
    public var allNames: [String] { names.compactMap { $0 } }

    /// One past the highest defined number.
    public var limit: Int { names.count }
}
