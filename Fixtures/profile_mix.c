// profile accuracy fixture: one thread sleeping in nanosleep, one spinning in a named function,
// 20 threads waiting on a condition variable. Prints "READY <spinner tid> <sleeper tid>" when all
// threads run; dies by alarm if forgotten. argv[1]: seconds to live (default 30); argv[2] = "exit":
// the process exits after argv[3] seconds (default 1); argv[2] = "rate": prints "RATE <spins in the
// last 0.5 s>" twice a second (the spinner's work rate, for overhead benchmarks).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int started;
static volatile unsigned long spins;
static volatile pid_t spinner_tid, sleeper_tid;

__attribute__((noinline)) void profile_spin_work(void) {
    for (;;) spins++;
}

__attribute__((noinline)) void profile_sleep_forever(void) {
    for (;;) {
        struct timespec ts = {10, 0};
        nanosleep(&ts, NULL);
    }
}

__attribute__((noinline)) void profile_wait_forever(void) {
    pthread_mutex_lock(&mu);
    __sync_fetch_and_add(&started, 1);
    for (;;) pthread_cond_wait(&cv, &mu);
}

static void *spinner(void *a) { (void)a; spinner_tid = syscall(SYS_gettid); __sync_fetch_and_add(&started, 1); profile_spin_work(); return NULL; }
static void *sleeper(void *a) { (void)a; sleeper_tid = syscall(SYS_gettid); __sync_fetch_and_add(&started, 1); profile_sleep_forever(); return NULL; }
static void *waiter(void *a) { (void)a; profile_wait_forever(); return NULL; }

int main(int argc, char **argv) {
    alarm(argc > 1 ? atoi(argv[1]) : 30);
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    pthread_create(&t, NULL, sleeper, NULL);
    for (int i = 0; i < 20; i++) pthread_create(&t, NULL, waiter, NULL);
    while (started < 22) usleep(1000);
    printf("READY %d %d\n", (int)spinner_tid, (int)sleeper_tid);
    fflush(stdout);
    if (argc > 2 && strcmp(argv[2], "exit") == 0) {
        usleep((argc > 3 ? atoi(argv[3]) : 1) * 1000000);
        exit(0);
    }
    if (argc > 2 && strcmp(argv[2], "rate") == 0) {
        for (unsigned long last = spins;;) {
            usleep(500000);
            unsigned long now = spins;
            printf("RATE %lu\n", now - last);
            fflush(stdout);
            last = now;
        }
    }
    for (;;) pause();
}
