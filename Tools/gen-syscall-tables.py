#!/usr/bin/env python3
"""Generate Sources/StackCross/Syscalls/SyscallTable+Generated.swift from the system headers.

Sources (Debian package linux-libc-dev):
  /usr/include/x86_64-linux-gnu/asm/unistd_64.h   x86_64 syscall numbers (__NR_name N)
  /usr/include/x86_64-linux-gnu/asm/unistd_32.h   i386 syscall numbers
  /usr/include/asm-generic/errno-base.h, errno.h  errno names and numbers (texts from glibc's strerror)
  /usr/src/linux-headers-*-common/include/linux/syscalls.h   the sys_* prototypes: how many arguments
      each syscall takes and a default kind for each (fd, path, mode, pointer, integer), derived from
      the parameter's type and name. Dev-time only (apt-get install linux-headers-<version>-common);
      MANUAL_PROTOTYPES and PROTOTYPE_ALIASES below cover what that header does not declare.
Class data (strace's %file, %process, ...) is kept by hand in CLASSES below, by syscall name.
Syscalls newer than those headers (Debian 12 ships Linux 6.1's; the machines run 6.18) are kept in
NEWER_SYSCALLS below, copied from the kernel's arch/x86/entry/syscalls/syscall_{64,32}.tbl, where
451-469 are "common" entries with the same number in both ABIs.

Regenerate (from the repository root):
  python3 Tools/gen-syscall-tables.py            # rewrites the Swift file
  python3 Tools/gen-syscall-tables.py --check    # exits 1 when the committed file is stale
Override the header directory with INCLUDE=/path/to/include.
"""
import glob
import os
import re
import sys

INCLUDE = os.environ.get("INCLUDE", "/usr/include")
UNISTD_64 = f"{INCLUDE}/x86_64-linux-gnu/asm/unistd_64.h"
UNISTD_32 = f"{INCLUDE}/x86_64-linux-gnu/asm/unistd_32.h"
ERRNO_FILES = [f"{INCLUDE}/asm-generic/errno-base.h", f"{INCLUDE}/asm-generic/errno.h"]
SYSCALLS_H = os.environ.get("SYSCALLS_H") or next(
    iter(sorted(glob.glob("/usr/src/linux-headers-*-common/include/linux/syscalls.h"), reverse=True)), None)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "Sources/StackCross/Syscalls/SyscallTable+Generated.swift")

# Syscalls whose sys_* prototype lives in arch code or nowhere (obsolete, unimplemented).
MANUAL_PROTOTYPES = {
    "mmap": "unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd, unsigned long off",
    "rt_sigreturn": "void", "sigreturn": "void",
    "modify_ldt": "int func, void __user *ptr, unsigned long bytecount",
    "arch_prctl": "int option, unsigned long addr",
    "iopl": "unsigned int level",
    "set_thread_area": "struct user_desc __user *u_info", "get_thread_area": "struct user_desc __user *u_info",
    "_sysctl": "struct __sysctl_args __user *args",
    "umount2": "char __user *pathname, int flags", "umount": "char __user *pathname",
    "create_module": "const char __user *name, size_t size", "get_kernel_syms": "void __user *table",
    "query_module": "const char __user *name, int which, void __user *buf, size_t bufsize, size_t __user *ret",
    "nfsservctl": "int cmd, void __user *argp, void __user *resp",
    "getpmsg": "int fd, void __user *a, void __user *b, void __user *c, void __user *d",
    "putpmsg": "int fd, void __user *a, void __user *b, int c, int d",
    "afs_syscall": "void", "tuxcall": "void", "security": "void", "vserver": "void", "break": "void",
    "stty": "void", "gtty": "void", "ftime": "void", "prof": "void", "lock": "void", "mpx": "void",
    "profil": "void", "idle": "void",
    "epoll_ctl_old": "int epfd, int op, int fd, void __user *event",
    "epoll_wait_old": "int epfd, void __user *events, int maxevents, int timeout",
    "oldolduname": "void __user *name",
    "ulimit": "int cmd, long newval",
    "vm86old": "void __user *user_vm86", "vm86": "unsigned long cmd, unsigned long arg",
    "bdflush": "int func, long data",
    "readdir": "unsigned int fd, void __user *dirent, unsigned int count",
}
# Added after Linux 6.1: number, name, sys_* prototype (include/linux/syscalls.h of 6.17).
# Same number on x86_64 and i386. The headers win where they already name a number.
NEWER_SYSCALLS = [
    (451, "cachestat", "unsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, unsigned int flags"),
    (452, "fchmodat2", "int dfd, const char __user *filename, umode_t mode, unsigned int flags"),
    (453, "map_shadow_stack", "unsigned long addr, unsigned long size, unsigned int flags"),
    (454, "futex_wake", "void __user *uaddr, unsigned long mask, int nr, unsigned int flags"),
    (455, "futex_wait", "void __user *uaddr, unsigned long val, unsigned long mask, unsigned int flags, struct __kernel_timespec __user *timeout, clockid_t clockid"),
    (456, "futex_requeue", "struct futex_waitv __user *waiters, unsigned int flags, int nr_wake, int nr_requeue"),
    (457, "statmount", "const struct mnt_id_req __user *req, struct statmount __user *buf, size_t bufsize, unsigned int flags"),
    (458, "listmount", "const struct mnt_id_req __user *req, u64 __user *mnt_ids, size_t nr_mnt_ids, unsigned int flags"),
    (459, "lsm_get_self_attr", "unsigned int attr, struct lsm_ctx __user *ctx, u32 __user *size, u32 flags"),
    (460, "lsm_set_self_attr", "unsigned int attr, struct lsm_ctx __user *ctx, u32 size, u32 flags"),
    (461, "lsm_list_modules", "u64 __user *ids, u32 __user *size, u32 flags"),
    (462, "mseal", "unsigned long start, size_t len, unsigned long flags"),
    (463, "setxattrat", "int dfd, const char __user *path, unsigned int at_flags, const char __user *name, const struct xattr_args __user *args, size_t size"),
    (464, "getxattrat", "int dfd, const char __user *path, unsigned int at_flags, const char __user *name, struct xattr_args __user *args, size_t size"),
    (465, "listxattrat", "int dfd, const char __user *path, unsigned int at_flags, char __user *list, size_t size"),
    (466, "removexattrat", "int dfd, const char __user *path, unsigned int at_flags, const char __user *name"),
    (467, "open_tree_attr", "int dfd, const char __user *path, unsigned int flags, struct mount_attr __user *uattr, size_t usize"),
    (468, "file_getattr", "int dfd, const char __user *filename, struct file_attr __user *attr, size_t usize, unsigned int at_flags"),
    (469, "file_setattr", "int dfd, const char __user *filename, struct file_attr __user *attr, size_t usize, unsigned int at_flags"),
]
MANUAL_PROTOTYPES.update({name: proto for _, name, proto in NEWER_SYSCALLS})

# Names whose prototype is another sys_* function's (i386 spellings, 64-bit time variants).
PROTOTYPE_ALIASES = {
    "oldstat": "stat", "oldfstat": "fstat", "oldlstat": "lstat", "_llseek": "llseek", "_newselect": "select",
    "mmap2": "mmap_pgoff", "ugetrlimit": "getrlimit", "umount": "oldumount",
}


# Syscall classes, as strace's -e trace=%CLASS defines them, by name (a name absent from an ABI is
# skipped for that ABI). One list per class; a syscall may be in several.
CLASSES = {
    # Takes a file name argument.
    "file": """
        open creat openat openat2 access faccessat faccessat2 chdir chroot getcwd
        stat lstat stat64 lstat64 oldstat oldlstat newfstatat fstatat64 statx statfs statfs64
        truncate truncate64 rename renameat renameat2 mkdir mkdirat rmdir link linkat unlink unlinkat
        symlink symlinkat readlink readlinkat chmod fchmodat fchmodat2 chown chown32 lchown lchown32
        fchownat utime utimes futimesat utimensat utimensat_time64 mknod mknodat uselib pivot_root
        acct mount umount umount2 swapon swapoff quotactl setxattr lsetxattr getxattr lgetxattr
        listxattr llistxattr removexattr lremovexattr setxattrat getxattrat listxattrat removexattrat
        inotify_add_watch fanotify_mark name_to_handle_at execve execveat open_tree open_tree_attr
        move_mount fsconfig fspick mount_setattr file_getattr file_setattr
    """,
    # Process lifecycle: creation, exec, exit, wait, signalling another process.
    "process": """
        clone clone3 fork vfork execve execveat exit exit_group wait4 waitpid waitid kill tkill tgkill
        rt_sigqueueinfo rt_tgsigqueueinfo pidfd_send_signal
    """,
    # Sockets.
    "network": """
        socket socketpair connect bind listen accept accept4 getsockname getpeername sendto recvfrom
        send recv sendmsg recvmsg sendmmsg recvmmsg recvmmsg_time64 shutdown setsockopt getsockopt
        socketcall getpmsg putpmsg sendfile sendfile64
    """,
    # Signal handling and delivery.
    "signal": """
        signal sigaction rt_sigaction sigprocmask rt_sigprocmask sigreturn rt_sigreturn sigsuspend
        rt_sigsuspend sigpending rt_sigpending rt_sigtimedwait rt_sigtimedwait_time64 sigaltstack
        sgetmask ssetmask pause kill tkill tgkill rt_sigqueueinfo rt_tgsigqueueinfo signalfd signalfd4
        pidfd_send_signal
    """,
    # System V IPC.
    "ipc": """
        ipc shmget shmat shmctl shmdt semget semop semctl semtimedop semtimedop_time64 msgget msgsnd
        msgrcv msgctl
    """,
    # Takes or returns a file descriptor.
    "desc": """
        read write open close creat fstat fstat64 oldfstat poll ppoll ppoll_time64 lseek _llseek mmap
        mmap2 ioctl pread64 pwrite64 readv writev preadv pwritev preadv2 pwritev2 pipe pipe2 select
        _newselect pselect6 pselect6_time64 dup dup2 dup3 sendfile sendfile64 fcntl fcntl64 flock
        fsync fdatasync ftruncate ftruncate64 getdents getdents64 readdir fchdir fchmod fchown
        fchown32 fstatfs fstatfs64 readahead fsetxattr fgetxattr flistxattr fremovexattr epoll_create
        epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2 inotify_init inotify_init1
        inotify_add_watch inotify_rm_watch openat mkdirat mknodat fchownat futimesat newfstatat
        fstatat64 unlinkat renameat renameat2 linkat symlinkat readlinkat fchmodat fchmodat2 faccessat
        faccessat2 splice tee sync_file_range sync_file_range2 vmsplice utimensat utimensat_time64
        signalfd signalfd4 timerfd_create timerfd_settime timerfd_gettime timerfd_settime64
        timerfd_gettime64 eventfd eventfd2 fallocate fadvise64 fadvise64_64 mq_open mq_timedsend
        mq_timedreceive mq_timedsend_time64 mq_timedreceive_time64 mq_notify mq_getsetattr
        perf_event_open fanotify_init fanotify_mark name_to_handle_at open_by_handle_at syncfs setns
        finit_module memfd_create kexec_file_load bpf execveat userfaultfd copy_file_range statx
        pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree open_tree_attr
        move_mount fsopen fsconfig fsmount fspick pidfd_open close_range openat2 pidfd_getfd
        process_madvise mount_setattr quotactl_fd landlock_create_ruleset landlock_add_rule
        landlock_restrict_self memfd_secret process_mrelease cachestat setxattrat getxattrat
        listxattrat removexattrat file_getattr file_setattr
    """,
    # Memory mapping.
    "memory": """
        mmap mmap2 munmap mprotect pkey_mprotect brk mremap msync mincore madvise mlock mlock2 munlock
        mlockall munlockall shmat shmdt remap_file_pages mbind set_mempolicy get_mempolicy
        migrate_pages move_pages io_setup io_destroy set_mempolicy_home_node map_shadow_stack mseal
    """,
    # User/group ids and capabilities.
    "creds": """
        getuid getuid32 getgid getgid32 geteuid geteuid32 getegid getegid32 setuid setuid32 setgid
        setgid32 setreuid setreuid32 setregid setregid32 getgroups getgroups32 setgroups setgroups32
        setresuid setresuid32 getresuid getresuid32 setresgid setresgid32 getresgid getresgid32
        setfsuid setfsuid32 setfsgid setfsgid32 capget capset prctl
    """,
    # Read or change the system clock.
    "clock": """
        time stime gettimeofday settimeofday adjtimex clock_adjtime clock_adjtime64 clock_settime
        clock_settime64 clock_gettime clock_gettime64 clock_getres clock_getres_time64
    """,
    "stat": "stat stat64 oldstat",
    "lstat": "lstat lstat64 oldlstat",
    "fstat": "fstat fstat64 oldfstat newfstatat fstatat64 statx",
    "%stat": "stat stat64 oldstat lstat lstat64 oldlstat fstat fstat64 oldfstat newfstatat fstatat64 statx",
    "statfs": "statfs statfs64",
    "fstatfs": "fstatfs fstatfs64",
    "%statfs": "statfs statfs64 fstatfs fstatfs64 ustat",
    # Always succeed and take no arguments.
    "pure": """
        getpid getppid getpgrp gettid getuid getuid32 getgid getgid32 geteuid geteuid32 getegid
        getegid32
    """,
}


def parse_unistd(path):
    table = {}
    for line in open(path):
        m = re.match(r"#define __NR_(\w+)\s+(\d+)\s*$", line)
        if m:
            table[int(m.group(2))] = m.group(1)
    if not table:
        sys.exit(f"no __NR_ lines in {path}")
    return table


def parse_errno():
    out = {}
    for path in ERRNO_FILES:
        for line in open(path):
            m = re.match(r"#define\s+(E\w+)\s+(\d+)\s*/\*\s*(.*?)\s*\*/", line)
            if m and int(m.group(2)) not in out:
                # glibc's strerror text, as strace prints it; the header's comment when glibc has none.
                text = os.strerror(int(m.group(2)))
                if text.startswith("Unknown error"):
                    text = m.group(3)
                out[int(m.group(2))] = (m.group(1), text)
    return out


PATH_NAMES = {"filename", "pathname", "path", "oldname", "newname", "specialfile", "library", "dir_name",
              "dev_name", "new_root", "put_old", "old", "new"}
FD_NAMES = {"fd", "fd_in", "fd_out", "oldfd", "newfd", "ufd", "epfd", "fildes", "out_fd", "in_fd", "pidfd",
            "mqdes", "fdin", "fdout", "old_fd", "new_fd"}
DIRFD_NAMES = {"dfd", "olddfd", "newdfd", "dirfd", "from_dfd", "to_dfd"}
INT32 = re.compile(r"^(int|pid_t|clockid_t|timer_t|mqd_t|__s32|s32|key_serial_t|key_t|rwf_t)$")
UINT32 = re.compile(r"^(unsigned( int| short| char)?|u(8|16|32)|__u(8|16|32)|uid_t|gid_t|old_uid_t|old_gid_t|qid_t)$")
UINT64 = re.compile(r"^(unsigned long|size_t|u64|__u64|aio_context_t)$")


def arg_kind(param):
    """A default decoding kind from one C parameter (type and name)."""
    m = re.match(r"^(.*?)(\w+)$", param.strip())
    ctype, name = (m.group(1).strip(), m.group(2)) if m and m.group(1).strip() else (param.strip(), "")
    if "*" in ctype or "__user" in ctype or ctype.endswith("_t") and ctype.startswith("cap_user"):
        if re.match(r"^(const )?char __user \*$", ctype):
            if name in PATH_NAMES:
                return "path"
            return "str" if ctype.startswith("const") else "ptr"
        return "ptr"
    if name in FD_NAMES:
        return "fd"
    if name in DIRFD_NAMES:
        return "dirfd"
    if ctype == "umode_t":
        return "mode"
    if name in ("sig", "signum"):
        return "signal"
    if "flag" in name or "mask" in name:
        return "hex"
    if "addr" in name or name in ("start", "brk", "tls", "newsp"):
        return "ptr"
    if INT32.match(ctype):
        return "int"
    if UINT32.match(ctype):
        return "uint"
    if UINT64.match(ctype):
        return "ulong"
    return "long"


def parse_prototypes(names):
    if not SYSCALLS_H or not os.path.exists(SYSCALLS_H):
        sys.exit("linux/syscalls.h not found: apt-get install linux-headers-<version>-common or set SYSCALLS_H")
    text = open(SYSCALLS_H).read()
    protos = {}
    for m in re.finditer(r"asmlinkage long sys_(\w+)\(([^;]*?)\);", text, re.S):
        protos.setdefault(m.group(1), " ".join(m.group(2).split()))
    out = {}
    for name in names:
        base = PROTOTYPE_ALIASES.get(name, name)
        proto = MANUAL_PROTOTYPES.get(name) or protos.get(base)
        if proto is None and base.endswith("_time64"):
            proto = protos.get(base[: -len("_time64")])
        if proto is None and base.endswith("64"):
            proto = protos.get(base[:-2])
        if proto is None and base.endswith("32"):
            proto = protos.get(base[:-2])
        if proto is None:
            sys.exit(f"no prototype for {name}: add it to MANUAL_PROTOTYPES")
        out[name] = [] if proto.strip() == "void" else [arg_kind(p) for p in proto.split(",")]
    return out


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render():
    t64, t32 = parse_unistd(UNISTD_64), parse_unistd(UNISTD_32)
    for nr, name, _ in NEWER_SYSCALLS:
        for table in (t64, t32):
            if nr not in table and name not in table.values():
                table[nr] = name
    errnos = parse_errno()
    known = set(t64.values()) | set(t32.values())
    lines = [
        "// GENERATED by Tools/gen-syscall-tables.py from linux-libc-dev's asm/unistd_64.h, asm/unistd_32.h",
        "// and asm-generic/errno*.h. Do not edit: run `python3 Tools/gen-syscall-tables.py` to regenerate.",
        "",
        "extension SyscallTable {",
        "    /// x86_64 (asm/unistd_64.h, then NEWER_SYSCALLS): number, name.",
        "    static let x86_64Entries: [(Int, String)] = [",
    ]
    for nr in sorted(t64):
        lines.append(f"        ({nr}, {swift_string(t64[nr])}),")
    lines += ["    ]", "", "    /// i386 (asm/unistd_32.h, then NEWER_SYSCALLS): number, name.", "    static let i386Entries: [(Int, String)] = ["]
    for nr in sorted(t32):
        lines.append(f"        ({nr}, {swift_string(t32[nr])}),")
    lines += ["    ]", "}", "", "extension Errno {",
              "    /// asm-generic/errno-base.h and errno.h: number, name, description.",
              "    static let generatedEntries: [(Int32, String, String)] = ["]
    for n in sorted(errnos):
        name, text = errnos[n]
        lines.append(f"        ({n}, {swift_string(name)}, {swift_string(text)}),")
    lines += ["    ]", "}", "", "extension SyscallClass {",
              "    /// Hand-kept in Tools/gen-syscall-tables.py: class, member names (either ABI).",
              "    static let generatedMembers: [String: [String]] = ["]
    for cls, text in CLASSES.items():
        names = sorted(set(n.rstrip("?") for n in text.split()))
        missing = [n for n in names if n not in known]
        names = [n for n in names if n in known]
        if missing:
            lines.append(f"        // not in these headers: {' '.join(missing)}")
        lines.append(f"        {swift_string(cls)}: [")
        row = "           "
        for n in names:
            item = " " + swift_string(n) + ","
            if len(row) + len(item) > 116:
                lines.append(row)
                row = "           "
            row += item
        lines.append(row)
        lines.append("        ],")
    lines += ["    ]", "}", "", "extension SyscallDecoder {",
              "    /// Argument kinds from the sys_* prototypes in linux/syscalls.h (count = the syscall's arity).",
              "    static let generatedArgKinds: [String: [ArgKind]] = ["]
    protos = parse_prototypes(sorted(known))
    for name in sorted(protos):
        kinds = ", ".join("." + k for k in protos[name])
        lines.append(f"        {swift_string(name)}: [{kinds}],")
    lines += ["    ]", "}", ""]
    return "\n".join(lines)


def main():
    text = render()
    if "--check" in sys.argv:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            sys.exit(f"{OUT} is stale: run python3 Tools/gen-syscall-tables.py")
        return
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
