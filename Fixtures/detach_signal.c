// A single thread spinning in user mode (no syscalls, so a signal sent to it is taken straight into a
// signal-delivery stop under a tracer) with a counting SIGUSR1 handler; each time the count changes
// the loop prints "USR1 <count>". For detaching with a signal in flight. Prints "READY <pid>"; alarm(60).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t count;

static void on_usr1(int sig) {
    (void)sig;
    count++;
}

int main(void) {
    alarm(60);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    int seen = 0;
    for (;;) {
        if (count != seen) {
            seen = count;
            printf("USR1 %d\n", seen);
            fflush(stdout);
        }
    }
}
