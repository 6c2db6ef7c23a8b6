// The floor for syscall tracing: the least a ptrace tracer must do per syscall stop.
// Starts PROGRAM under PTRACE_SEIZE and, at every stop, does PTRACE_GETREGS and PTRACE_SYSCALL;
// no decoding, no output. Usage: ptrace-floor [-o FILE] PROGRAM [ARGS...]; exits with the program's status.
//
// With -o FILE it is the floor for a tracer that keeps the trace record contract (entry and exit
// registers in hex, write's data): on top of the above it does only the work such a tracer cannot skip,
// as cheaply as C allows. At each entry it reads up to 32 bytes of the buffer in the second argument
// (process_vm_readv, as strace does to show write's data); at each exit it writes one line to FILE
// through a 64 KiB buffer: number, return value, the escaped bytes, and both register sets as
// "name":"0x…" pairs. A program of one thread is assumed (entry and exit stops alternate).
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[1 << 16];
static size_t used;
static FILE *file;

static void put(const char *s, size_t n) {
    if (used + n > sizeof out) { fwrite(out, 1, used, file); used = 0; }
    memcpy(out + used, s, n);
    used += n;
}

static void put_hex(unsigned long long v) {
    char b[20];
    int i = 20;
    do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    b[--i] = 'x'; b[--i] = '0';
    put(b + i, 20 - i);
}

// JSON string content: control characters, quote and backslash as \u00XX.
static void put_escaped(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\') {
            char e[6] = {'\\', 'u', '0', '0', "0123456789abcdef"[s[i] >> 4], "0123456789abcdef"[s[i] & 15]};
            put(e, 6);
        } else {
            put((const char *)s + i, 1);
        }
    }
}

static const char *names[27] = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
    "rsi", "rdi", "origRax", "rip", "cs", "eflags", "rsp", "ss", "fsBase", "gsBase", "ds", "es", "fs", "gs"};

static void put_regs(const char *key, const struct user_regs_struct *r) {
    const unsigned long long *v = (const unsigned long long *)r;
    put(key, strlen(key));
    for (int i = 0; i < 27; i++) {
        put(i ? ",\"" : "{\"", 2);
        put(names[i], strlen(names[i]));
        put("\":\"", 3);
        put_hex(v[i]);
        put("\"", 1);
    }
    put("}", 1);
}

int main(int argc, char **argv) {
    const char *path = NULL;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) { path = argv[2]; argv += 2; argc -= 2; }
    if (argc < 2) {
        fprintf(stderr, "usage: ptrace-floor [-o FILE] PROGRAM [ARGS...]\n");
        return 64;
    }
    if (path && !(file = fopen(path, "w"))) { perror(path); return 1; }
    pid_t child = fork();
    if (child == 0) {
        syscall(SYS_kill, getpid(), SIGSTOP);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int st;
    waitpid(child, &st, WUNTRACED);
    ptrace(PTRACE_SEIZE, child, 0, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
    kill(child, SIGCONT);
    int code = 0, in_syscall = 0;
    struct user_regs_struct entry;
    char data[32];
    ssize_t got = 0;
    for (;;) {
        pid_t p = waitpid(-1, &st, __WALL);
        if (p < 0) break;
        if (WIFEXITED(st)) { code = WEXITSTATUS(st); if (p == child) break; continue; }
        if (WIFSIGNALED(st)) { code = 128 + WTERMSIG(st); if (p == child) break; continue; }
        int sig = 0;
        if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
            struct user_regs_struct regs;
            ptrace(PTRACE_GETREGS, p, 0, &regs);
            if (file && !in_syscall) {
                entry = regs;
                size_t n = regs.rdx < sizeof data ? regs.rdx : sizeof data;
                struct iovec local = {data, n}, remote = {(void *)regs.rsi, n};
                got = n ? process_vm_readv(p, &local, 1, &remote, 1, 0) : 0;
            } else if (file) {
                put("{\"nr\":\"", 7); put_hex(entry.orig_rax); put("\",\"ret\":\"", 9); put_hex(regs.rax);
                put("\",\"data\":\"", 10); if (got > 0) put_escaped((unsigned char *)data, got); put("\",", 2);
                put_regs("\"entryRegs\":", &entry); put_regs(",\"exitRegs\":", &regs); put("}\n", 2);
            }
            in_syscall = !in_syscall;
        } else if ((st >> 16) == 0 && WSTOPSIG(st) != SIGCONT) {
            sig = WSTOPSIG(st);  // pass real signals on
        }
        ptrace(PTRACE_SYSCALL, p, 0, (void *)(long)sig);
    }
    if (file) { fwrite(out, 1, used, file); fclose(file); }
    return code;
}
