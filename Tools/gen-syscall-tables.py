#!/usr/bin/env python3
"""Generate Sources/StackCross/Syscalls/SyscallTable+Generated.swift from the system headers.

Sources (Debian package linux-libc-dev):
  /usr/include/x86_64-linux-gnu/asm/unistd_64.h   x86_64 syscall numbers (__NR_name N)
  /usr/include/x86_64-linux-gnu/asm/unistd_32.h   i386 syscall numbers
  /usr/include/asm-generic/errno-base.h, errno.h  errno names, numbers and descriptions
Class data (strace's %file, %process, ...) is kept by hand in CLASSES below, by syscall name.

Regenerate (from the repository root):
  python3 Tools/gen-syscall-tables.py            # rewrites the Swift file
  python3 Tools/gen-syscall-tables.py --check    # exits 1 when the committed file is stale
Override the header directory with INCLUDE=/path/to/include.
"""
import os
import re
import sys

INCLUDE = os.environ.get("INCLUDE", "/usr/include")
UNISTD_64 = f"{INCLUDE}/x86_64-linux-gnu/asm/unistd_64.h"
UNISTD_32 = f"{INCLUDE}/x86_64-linux-gnu/asm/unistd_32.h"
ERRNO_FILES = [f"{INCLUDE}/asm-generic/errno-base.h", f"{INCLUDE}/asm-generic/errno.h"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "Sources/StackCross/Syscalls/SyscallTable+Generated.swift")

# Syscall classes, as strace's -e trace=%CLASS defines them, by name (a name absent from an ABI is
# skipped for that ABI). One list per class; a syscall may be in several.
CLASSES = {
    # Takes a file name argument.
    "file": """
        open creat openat openat2 open_by_handle_at? access faccessat faccessat2 chdir chroot getcwd
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
                out[int(m.group(2))] = (m.group(1), m.group(3))
    return out


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render():
    t64, t32 = parse_unistd(UNISTD_64), parse_unistd(UNISTD_32)
    errnos = parse_errno()
    known = set(t64.values()) | set(t32.values())
    lines = [
        "// GENERATED by Tools/gen-syscall-tables.py from linux-libc-dev's asm/unistd_64.h, asm/unistd_32.h",
        "// and asm-generic/errno*.h. Do not edit: run `python3 Tools/gen-syscall-tables.py` to regenerate.",
        "",
        "extension SyscallTable {",
        "    /// x86_64 (asm/unistd_64.h): number, name.",
        "    static let x86_64Entries: [(Int, String)] = [",
    ]
    for nr in sorted(t64):
        lines.append(f"        ({nr}, {swift_string(t64[nr])}),")
    lines += ["    ]", "", "    /// i386 (asm/unistd_32.h): number, name.", "    static let i386Entries: [(Int, String)] = ["]
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
