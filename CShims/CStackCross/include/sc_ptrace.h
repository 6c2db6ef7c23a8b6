#pragma once
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

// Mirror of the kernel's struct user_regs_struct (x86_64): 27 u64, 216 bytes.
// The first 21 fields are struct pt_regs in the same order.
typedef struct sc_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
    uint64_t rip, cs, eflags, rsp, ss;
    uint64_t fs_base, gs_base, ds, es, fs, gs;
} sc_user_regs;

// Mirror of struct ptrace_syscall_info (Linux 5.3+), 88 bytes.
typedef struct sc_syscall_info {
    uint8_t op;        // 0 none, 1 entry, 2 exit, 3 seccomp
    uint8_t pad[3];
    uint32_t arch;     // AUDIT_ARCH_X86_64 0xc000003e, AUDIT_ARCH_I386 0x40000003
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    union {
        struct { uint64_t nr; uint64_t args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
        struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
    } u;
} sc_syscall_info;

enum {
    SC_SYSCALL_INFO_NONE = 0,
    SC_SYSCALL_INFO_ENTRY = 1,
    SC_SYSCALL_INFO_EXIT = 2,
    SC_SYSCALL_INFO_SECCOMP = 3,
};

// A raw wait status decoded once (see wait(2), ptrace(2) "Stopped states").
typedef enum sc_wait_kind {
    SC_WAIT_EXITED = 1,        // value = exit code
    SC_WAIT_KILLED = 2,        // signal = terminating signal, core = dumped
    SC_WAIT_SYSCALL_STOP = 3,  // SIGTRAP|0x80 with PTRACE_O_TRACESYSGOOD
    SC_WAIT_EVENT_STOP = 4,    // event = PTRACE_EVENT_* (status>>16), signal = stop signal
    SC_WAIT_GROUP_STOP = 5,    // PTRACE_EVENT_STOP with a stopping signal (SEIZE)
    SC_WAIT_SIGNAL_STOP = 6,   // signal-delivery stop, signal = the signal
    SC_WAIT_CONTINUED = 7,
    SC_WAIT_OTHER = 0,
} sc_wait_kind;

typedef struct sc_wait_status {
    int kind;     // sc_wait_kind
    int value;    // exit code
    int signal;   // signal number where one applies
    int event;    // PTRACE_EVENT_* for event stops
    int core;     // core dumped
} sc_wait_status;

sc_wait_status sc_decode_wait_status(int status);

// ptrace(2) with fixed arity. Returns -1 and sets errno on failure.
long sc_ptrace_seize(pid_t pid, unsigned long options);
long sc_ptrace_interrupt(pid_t pid);
long sc_ptrace_detach(pid_t pid, int signal);
long sc_ptrace_cont(pid_t pid, int signal);
long sc_ptrace_syscall(pid_t pid, int signal);
long sc_ptrace_listen(pid_t pid);
long sc_ptrace_singlestep(pid_t pid, int signal);
long sc_ptrace_getregs(pid_t pid, sc_user_regs *regs);
/* PTRACE_SETREGS: fault injection writes orig_rax at the entry stop and rax at the exit stop. */
long sc_ptrace_setregs(pid_t pid, const sc_user_regs *regs);
long sc_ptrace_geteventmsg(pid_t pid, unsigned long *msg);
long sc_ptrace_getsiginfo(pid_t pid, void *siginfo128);
// Returns the number of bytes the kernel filled (0 when not in a syscall stop), or -1.
long sc_ptrace_get_syscall_info(pid_t pid, sc_syscall_info *info);

// waitpid(2) with __WALL, retrying EINTR. Returns the pid, 0 (WNOHANG) or -1.
pid_t sc_waitpid(pid_t pid, int *status, int flags);
int sc_wnohang(void);
int sc_wall(void);

// process_vm_readv(2) of one range. Returns bytes read or -1.
ssize_t sc_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len);
// PTRACE_PEEKDATA fallback for memory process_vm_readv cannot reach. Returns bytes read or -1.
ssize_t sc_peek_memory(pid_t pid, uint64_t addr, void *buf, size_t len);

int sc_tgkill(pid_t tgid, pid_t tid, int sig);
// The calling thread's tid (the tracer thread's identity).
pid_t sc_gettid(void);

// PTRACE_O_* and PTRACE_EVENT_* as plain ints for Swift.
enum {
    SC_O_TRACESYSGOOD = 0x01,
    SC_O_TRACEFORK = 0x02,
    SC_O_TRACEVFORK = 0x04,
    SC_O_TRACECLONE = 0x08,
    SC_O_TRACEEXEC = 0x10,
    SC_O_TRACEVFORKDONE = 0x20,
    SC_O_TRACEEXIT = 0x40,
    SC_O_TRACESECCOMP = 0x80,
    SC_O_EXITKILL = 0x100000,
    SC_EVENT_FORK = 1,
    SC_EVENT_VFORK = 2,
    SC_EVENT_CLONE = 3,
    SC_EVENT_EXEC = 4,
    SC_EVENT_VFORK_DONE = 5,
    SC_EVENT_EXIT = 6,
    SC_EVENT_SECCOMP = 7,
    SC_EVENT_STOP = 128,
};
