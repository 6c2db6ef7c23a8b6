#define _GNU_SOURCE
#include "sc_ptrace.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

_Static_assert(sizeof(sc_user_regs) == 216, "user_regs_struct is 27 u64");
_Static_assert(sizeof(sc_user_regs) == sizeof(struct user_regs_struct), "mirror of user_regs_struct");
_Static_assert(offsetof(sc_user_regs, orig_rax) == offsetof(struct user_regs_struct, orig_rax), "orig_rax slot");
_Static_assert(offsetof(sc_user_regs, ss) == 160, "pt_regs ends with ss at 160");
_Static_assert(sizeof(sc_syscall_info) == sizeof(struct ptrace_syscall_info), "mirror of ptrace_syscall_info");
_Static_assert(sizeof(sc_syscall_info) == 88, "ptrace_syscall_info is 88 bytes");
_Static_assert(offsetof(sc_syscall_info, u) == 24, "union after ip and sp");

// The C mirrors are the kernel's values (a drift fails the build, not a trace).
_Static_assert(SC_O_TRACESYSGOOD == PTRACE_O_TRACESYSGOOD, "PTRACE_O_TRACESYSGOOD");
_Static_assert(SC_O_TRACEFORK == PTRACE_O_TRACEFORK, "PTRACE_O_TRACEFORK");
_Static_assert(SC_O_TRACEVFORK == PTRACE_O_TRACEVFORK, "PTRACE_O_TRACEVFORK");
_Static_assert(SC_O_TRACECLONE == PTRACE_O_TRACECLONE, "PTRACE_O_TRACECLONE");
_Static_assert(SC_O_TRACEEXEC == PTRACE_O_TRACEEXEC, "PTRACE_O_TRACEEXEC");
_Static_assert(SC_O_TRACEVFORKDONE == PTRACE_O_TRACEVFORKDONE, "PTRACE_O_TRACEVFORKDONE");
_Static_assert(SC_O_TRACEEXIT == PTRACE_O_TRACEEXIT, "PTRACE_O_TRACEEXIT");
_Static_assert(SC_O_TRACESECCOMP == PTRACE_O_TRACESECCOMP, "PTRACE_O_TRACESECCOMP");
_Static_assert(SC_O_EXITKILL == PTRACE_O_EXITKILL, "PTRACE_O_EXITKILL");
_Static_assert(SC_EVENT_FORK == PTRACE_EVENT_FORK, "PTRACE_EVENT_FORK");
_Static_assert(SC_EVENT_VFORK == PTRACE_EVENT_VFORK, "PTRACE_EVENT_VFORK");
_Static_assert(SC_EVENT_CLONE == PTRACE_EVENT_CLONE, "PTRACE_EVENT_CLONE");
_Static_assert(SC_EVENT_EXEC == PTRACE_EVENT_EXEC, "PTRACE_EVENT_EXEC");
_Static_assert(SC_EVENT_VFORK_DONE == PTRACE_EVENT_VFORK_DONE, "PTRACE_EVENT_VFORK_DONE");
_Static_assert(SC_EVENT_EXIT == PTRACE_EVENT_EXIT, "PTRACE_EVENT_EXIT");
_Static_assert(SC_EVENT_SECCOMP == PTRACE_EVENT_SECCOMP, "PTRACE_EVENT_SECCOMP");
_Static_assert(SC_EVENT_STOP == PTRACE_EVENT_STOP, "PTRACE_EVENT_STOP");
_Static_assert(SC_SYSCALL_INFO_ENTRY == PTRACE_SYSCALL_INFO_ENTRY, "PTRACE_SYSCALL_INFO_ENTRY");
_Static_assert(SC_SYSCALL_INFO_EXIT == PTRACE_SYSCALL_INFO_EXIT, "PTRACE_SYSCALL_INFO_EXIT");
_Static_assert(SC_SYSCALL_INFO_SECCOMP == PTRACE_SYSCALL_INFO_SECCOMP, "PTRACE_SYSCALL_INFO_SECCOMP");

sc_wait_status sc_decode_wait_status(int status) {
    sc_wait_status s;
    memset(&s, 0, sizeof s);
    if (WIFEXITED(status)) {
        s.kind = SC_WAIT_EXITED;
        s.value = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        s.kind = SC_WAIT_KILLED;
        s.signal = WTERMSIG(status);
        s.core = WCOREDUMP(status) ? 1 : 0;
    } else if (WIFSTOPPED(status)) {
        int sig = WSTOPSIG(status);
        int event = (status >> 16) & 0xff;
        s.signal = sig;
        if (sig == (SIGTRAP | 0x80)) {
            s.kind = SC_WAIT_SYSCALL_STOP;
            s.signal = SIGTRAP;
        } else if (event == PTRACE_EVENT_STOP) {
            // Under SEIZE: a group stop when the signal is a stopping one, else PTRACE_INTERRUPT.
            s.event = event;
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
                s.kind = SC_WAIT_GROUP_STOP;
            else
                s.kind = SC_WAIT_EVENT_STOP;
        } else if (event != 0) {
            s.kind = SC_WAIT_EVENT_STOP;
            s.event = event;
        } else {
            s.kind = SC_WAIT_SIGNAL_STOP;
        }
    } else if (WIFCONTINUED(status)) {
        s.kind = SC_WAIT_CONTINUED;
    } else {
        s.kind = SC_WAIT_OTHER;
    }
    return s;
}

long sc_ptrace_seize(pid_t pid, unsigned long options) {
    return ptrace(PTRACE_SEIZE, pid, 0, (void *)options);
}
long sc_ptrace_interrupt(pid_t pid) { return ptrace(PTRACE_INTERRUPT, pid, 0, 0); }
long sc_ptrace_detach(pid_t pid, int signal) { return ptrace(PTRACE_DETACH, pid, 0, (void *)(long)signal); }
long sc_ptrace_cont(pid_t pid, int signal) { return ptrace(PTRACE_CONT, pid, 0, (void *)(long)signal); }
long sc_ptrace_syscall(pid_t pid, int signal) { return ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)signal); }
long sc_ptrace_listen(pid_t pid) { return ptrace(PTRACE_LISTEN, pid, 0, 0); }
long sc_ptrace_singlestep(pid_t pid, int signal) { return ptrace(PTRACE_SINGLESTEP, pid, 0, (void *)(long)signal); }
long sc_ptrace_getregs(pid_t pid, sc_user_regs *regs) { return ptrace(PTRACE_GETREGS, pid, 0, regs); }
long sc_ptrace_setregs(pid_t pid, const sc_user_regs *regs) { return ptrace(PTRACE_SETREGS, pid, 0, regs); }
long sc_ptrace_geteventmsg(pid_t pid, unsigned long *msg) { return ptrace(PTRACE_GETEVENTMSG, pid, 0, msg); }
long sc_ptrace_getsiginfo(pid_t pid, void *siginfo128) { return ptrace(PTRACE_GETSIGINFO, pid, 0, siginfo128); }
long sc_ptrace_get_syscall_info(pid_t pid, sc_syscall_info *info) {
    memset(info, 0, sizeof *info);
    return ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof *info, info);
}

pid_t sc_waitpid(pid_t pid, int *status, int flags) {
    pid_t r;
    do {
        r = waitpid(pid, status, flags);
    } while (r < 0 && errno == EINTR);
    return r;
}
int sc_wnohang(void) { return WNOHANG; }
int sc_wall(void) { return __WALL; }

ssize_t sc_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len) {
    struct iovec local = {buf, len};
    struct iovec remote = {(void *)(uintptr_t)addr, len};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

ssize_t sc_peek_memory(pid_t pid, uint64_t addr, void *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        uint64_t aligned = (addr + done) & ~(uint64_t)7;
        size_t skip = (size_t)((addr + done) - aligned);
        errno = 0;
        long word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)aligned, 0);
        if (word == -1 && errno != 0) return done ? (ssize_t)done : -1;
        size_t n = 8 - skip;
        if (n > len - done) n = len - done;
        memcpy((char *)buf + done, (char *)&word + skip, n);
        done += n;
    }
    return (ssize_t)done;
}

int sc_tgkill(pid_t tgid, pid_t tid, int sig) { return (int)syscall(SYS_tgkill, tgid, tid, sig); }
pid_t sc_gettid(void) { return (pid_t)syscall(SYS_gettid); }
