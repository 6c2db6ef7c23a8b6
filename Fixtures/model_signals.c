// Caught signals for the kernel-stack model's handler-entry checks:
// 1. SIGUSR1 on the normal stack (raise);
// 2. SIGUSR2 with SA_ONSTACK|SA_SIGINFO on a sigaltstack (a static array);
// 3. SIGSEGV from a store to an unmapped page, recovered with siglongjmp;
// 4. SIGTRAP from int3 (a trap: the handler returns to the instruction after it).
// Prints "usr1=1 usr2=1 onalt=1 segv=1 trap=1" and exits 0. Dies by alarm(60) if stuck.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, usr2, onalt, segv, trap;
static sigjmp_buf env;
static char altstack[64 * 1024] __attribute__((aligned(16)));

static void on_usr1(int s) { (void)s; usr1++; }
static void on_usr2(int s, siginfo_t *si, void *uc) {
    (void)uc;
    char here;
    usr2 += si->si_signo == s;
    onalt = &here >= altstack && &here < altstack + sizeof altstack;
}
static void on_segv(int s) { (void)s; segv++; siglongjmp(env, 1); }
static void on_trap(int s) { (void)s; trap++; }

static void catch(int sig, void (*h)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sigaction(sig, &sa, NULL);
}

int main(void) {
    alarm(60);
    catch(SIGUSR1, on_usr1);
    catch(SIGSEGV, on_segv);
    catch(SIGTRAP, on_trap);
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);

    raise(SIGUSR1);
    raise(SIGUSR2);
    if (sigsetjmp(env, 1) == 0) *(volatile int *)8 = 1;
    __asm__ volatile("int3");
    printf("usr1=%d usr2=%d onalt=%d segv=%d trap=%d\n", usr1, usr2, onalt, segv, trap);
    return usr1 == 1 && usr2 == 1 && onalt && segv == 1 && trap == 1 ? 0 : 3;
}
