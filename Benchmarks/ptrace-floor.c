// The floor for syscall tracing: the least a ptrace tracer must do per syscall stop.
// Starts PROGRAM under PTRACE_SEIZE and, at every stop, does PTRACE_GETREGS and PTRACE_SYSCALL;
// no decoding, no output. Usage: ptrace-floor PROGRAM [ARGS...]; exits with the program's status.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ptrace-floor PROGRAM [ARGS...]\n");
        return 64;
    }
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
    int code = 0;
    for (;;) {
        pid_t p = waitpid(-1, &st, __WALL);
        if (p < 0) break;
        if (WIFEXITED(st)) { code = WEXITSTATUS(st); if (p == child) break; continue; }
        if (WIFSIGNALED(st)) { code = 128 + WTERMSIG(st); if (p == child) break; continue; }
        int sig = 0;
        if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
            struct user_regs_struct regs;
            ptrace(PTRACE_GETREGS, p, 0, &regs);
        } else if ((st >> 16) == 0 && WSTOPSIG(st) != SIGCONT) {
            sig = WSTOPSIG(st);  // pass real signals on
        }
        ptrace(PTRACE_SYSCALL, p, 0, (void *)(long)sig);
    }
    return code;
}
