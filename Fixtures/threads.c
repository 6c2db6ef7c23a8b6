// A process whose threads sit in known places, for `stackcross attach` tests:
//   reader  blocked in read() on a pipe   (reader_main → reader_wait → read)
//   sleeper in nanosleep                  (sleeper_main → sleeper_nap → nanosleep)
//   waiter  on a condition variable       (waiter_main → waiter_block → pthread_cond_wait → futex)
//   spinner burning CPU in user mode      (spinner_main → spinner_loop)
//   recurser 20 frames deep, then pause() (recurser_main → recurse × 20 → recurse_bottom → pause)
// main joins them. Prints "READY <pid>" once /proc shows every blocking thread asleep in its own
// syscall (not merely about to make it); dies by alarm(60).
// Each SIGUSR1 any thread handles writes one "USR1" line to stdout (SA_RESTART keeps the
// blocking calls blocking), so a test can count that no signal was lost or injected.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "proc_wait.h"

static int pipe_fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready_count;
static volatile unsigned long spin_counter;
enum { READER, SLEEPER, WAITER, SPINNER, RECURSER, N };
static pid_t tids[N];

// Called by each thread just before it blocks; the blocking call follows at once.
static void announce(int slot) {
    pthread_mutex_lock(&ready_lock);
    tids[slot] = (pid_t)syscall(SYS_gettid);
    ready_count++;
    pthread_cond_broadcast(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
}

__attribute__((noinline)) static void reader_wait(void) {
    char buf[64];
    announce(READER);
    for (;;) {
        ssize_t n = read(pipe_fds[0], buf, sizeof buf);
        if (n <= 0) break;
    }
}
static void *reader_main(void *arg) {
    (void)arg;
    reader_wait();
    return NULL;
}

__attribute__((noinline)) static void sleeper_nap(void) {
    struct timespec ts = {1000, 0};
    announce(SLEEPER);
    for (;;) nanosleep(&ts, NULL);
}
static void *sleeper_main(void *arg) {
    (void)arg;
    sleeper_nap();
    return NULL;
}

__attribute__((noinline)) static void waiter_block(void) {
    pthread_mutex_lock(&lock);
    announce(WAITER);
    for (;;) pthread_cond_wait(&never, &lock);
}
static void *waiter_main(void *arg) {
    (void)arg;
    waiter_block();
    return NULL;
}

__attribute__((noinline)) static void spinner_loop(void) {
    announce(SPINNER);
    for (;;) spin_counter++;
}
static void *spinner_main(void *arg) {
    (void)arg;
    spinner_loop();
    return NULL;
}

__attribute__((noinline)) static void recurse_bottom(void) {
    announce(RECURSER);
    for (;;) pause();
}
__attribute__((noinline)) static void recurse(int n) {
    if (n > 0) recurse(n - 1);
    else recurse_bottom();
    spin_counter += 0;  // keeps the call from being a tail call
}
static void *recurser_main(void *arg) {
    (void)arg;
    recurse(19);
    return NULL;
}

static void on_usr1(int sig) {
    (void)sig;
    static const char line[] = "USR1\n";
    ssize_t n = write(1, line, sizeof line - 1);
    (void)n;
}

int main(void) {
    alarm(60);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    if (pipe(pipe_fds) != 0) { perror("pipe"); return 1; }
    struct { const char *name; void *(*fn)(void *); } spec[] = {
        {"reader", reader_main}, {"sleeper", sleeper_main}, {"waiter", waiter_main},
        {"spinner", spinner_main}, {"recurser", recurser_main},
    };
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        if (pthread_create(&th[i], NULL, spec[i].fn, NULL) != 0) { perror("pthread_create"); return 1; }
        pthread_setname_np(th[i], spec[i].name);
    }
    pthread_mutex_lock(&ready_lock);
    while (ready_count < N) pthread_cond_wait(&ready_cond, &ready_lock);
    pthread_mutex_unlock(&ready_lock);
    // Wait until each blocking thread is asleep in its call (announce() comes just before it). The numbers
    // are this build's ABI's (x86_64 or i386); glibc may use the _time64 variants on i386.
    static const long reads[] = {SYS_read, -1};
    static const long sleeps[] = {SYS_clock_nanosleep, SYS_nanosleep,
#ifdef SYS_clock_nanosleep_time64
                                  SYS_clock_nanosleep_time64,
#endif
                                  -1};
    static const long futexes[] = {SYS_futex,
#ifdef SYS_futex_time64
                                   SYS_futex_time64,
#endif
                                   -1};
    static const long pauses[] = {SYS_pause, -1};
    while (!blocked_in(tids[READER], reads) || !blocked_in(tids[SLEEPER], sleeps) ||
           !blocked_in(tids[WAITER], futexes) || !blocked_in(tids[RECURSER], pauses))
        usleep(1000);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    return 0;
}
