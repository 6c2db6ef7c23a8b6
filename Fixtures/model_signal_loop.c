// Raises SIGUSR1 N times (default 2000), each caught by a handler, then exits 0; alarm(60).
// Usage: model_signal_loop [N]. For measuring the cost of single-stepping into handlers.
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static void on_usr1(int s) { (void)s; caught++; }

int main(int argc, char **argv) {
    alarm(60);
    long n = argc > 1 ? atol(argv[1]) : 2000;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    for (long i = 0; i < n; i++) raise(SIGUSR1);
    return caught == n ? 0 : 3;
}
