// Signals for the tracer to pass through unchanged, and a restarted syscall.
// 1. SIGUSR1 sent to itself 3 times; the handler counts them.
// 2. A read(2) on an empty pipe, interrupted by SIGALRM whose handler has SA_RESTART and
//    writes a byte to the pipe: the kernel restarts the read (ERESTARTSYS at the exit stop),
//    and the re-issued read returns that byte.
// Prints "usr1=3 read=1" and exits 0. With argument "segv": dies by SIGSEGV instead (no core).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1;
static int pfd[2];

static void on_usr1(int s) { (void)s; usr1++; }
static void on_alarm(int s) {
    (void)s;
    if (write(pfd[1], "r", 1) != 1) _exit(5);
}

int main(int argc, char **argv) {
    alarm(60);
    if (argc > 1 && strcmp(argv[1], "segv") == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        raise(SIGSEGV);
        return 4;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < 3; i++) kill(getpid(), SIGUSR1);

    if (pipe(pfd) != 0) return 2;
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 100000}};  // one SIGALRM in 100 ms
    setitimer(ITIMER_REAL, &it, NULL);
    char c;
    ssize_t n = read(pfd[0], &c, 1);
    printf("usr1=%d read=%zd\n", (int)usr1, n);
    return 0;
}
