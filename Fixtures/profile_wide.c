// profile fixture for long runs: N threads (argv[2], default 100): one spinning, the others sleeping
// in nanosleep (short sleeps, so they come and go from the CPU) or waiting on a condition variable,
// at recursion depths 1..8 so there are a few dozen distinct stacks. Prints "READY" when all run;
// argv[1]: seconds to live (default 30), then dies by alarm.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int started;
static volatile unsigned long spins;

__attribute__((noinline)) void wide_spin(void) { for (;;) spins++; }

__attribute__((noinline)) void wide_nap(void) {
    for (;;) {
        struct timespec ts = {0, 3 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

__attribute__((noinline)) void wide_wait(void) {
    pthread_mutex_lock(&mu);
    for (;;) pthread_cond_wait(&cv, &mu);
}

__attribute__((noinline)) void wide_descend(long depth, long kind) {
    if (depth > 0) { wide_descend(depth - 1, kind); return; }
    __sync_fetch_and_add(&started, 1);
    if (kind == 0) wide_spin();
    else if (kind % 2) wide_nap();
    else wide_wait();
}

static void *run(void *a) { long i = (long)a; wide_descend(i % 8, i); return NULL; }

int main(int argc, char **argv) {
    alarm(argc > 1 ? atoi(argv[1]) : 30);
    int n = argc > 2 ? atoi(argv[2]) : 100;
    pthread_t t;
    for (long i = 0; i < n - 1; i++) pthread_create(&t, NULL, run, (void *)i);
    while (started < n - 1) usleep(1000);
    printf("READY\n");
    fflush(stdout);
    for (;;) pause();
}
