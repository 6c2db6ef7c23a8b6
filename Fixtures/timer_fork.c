// A fast interval timer while the program forks: ITIMER_REAL fires SIGALRM every 200 µs into an
// SA_RESTART handler, and main forks 100 times (each child _exits at once, the parent waits for it).
// Every fork interrupted before it starts is restarted (ERESTARTNOINTR), so a tracer that takes longer
// than the timer's period per signal starves it. Prints "forks 100 alarms N", exits 0.
// ITIMER_REAL is alarm()'s timer, so the 60 s self-kill is a POSIX CLOCK_MONOTONIC timer sending SIGKILL.
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

int main(void) {
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGKILL;
    timer_t watchdog;
    struct itimerspec in60 = {{0, 0}, {60, 0}};
    if (timer_create(CLOCK_MONOTONIC, &ev, &watchdog) != 0 || timer_settime(watchdog, 0, &in60, NULL) != 0) return 2;

    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every200us = {{0, 200}, {0, 200}};
    setitimer(ITIMER_REAL, &every200us, NULL);

    int forks = 0;
    for (int i = 0; i < 100; i++) {
        pid_t c = fork();
        if (c == 0) _exit(0);
        if (c < 0) return 3;
        forks++;
        while (waitpid(c, NULL, 0) < 0) {}
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("forks %d alarms %d\n", forks, (int)alarms);
    return 0;
}
