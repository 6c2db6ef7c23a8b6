// Threads come and go while stackcross attaches: main keeps starting short-lived threads (each
// lives about 200 µs), BATCH at a time (argv[1], default 4, at most 64), and one long-lived "steady"
// thread sleeps in pause(). Prints "READY <pid>" once /proc shows "steady" blocked in pause; alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "proc_wait.h"

static volatile unsigned long spawned;
static volatile pid_t steady_tid;

__attribute__((noinline)) static void *brief(void *arg) {
    (void)arg;
    struct timespec ts = {0, 200 * 1000};
    nanosleep(&ts, NULL);
    return NULL;
}

__attribute__((noinline)) static void *steady(void *arg) {
    (void)arg;
    steady_tid = (pid_t)syscall(SYS_gettid);
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    alarm(60);
    int batch = argc > 1 ? atoi(argv[1]) : 4;
    if (batch < 1 || batch > 64) batch = 4;
    pthread_t s;
    pthread_create(&s, NULL, steady, NULL);
    pthread_setname_np(s, "steady");
    wait_blocked_in(&steady_tid, SYS_pause);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    for (;;) {
        pthread_t t[64];
        for (int i = 0; i < batch; i++) pthread_create(&t[i], NULL, brief, NULL);
        for (int i = 0; i < batch; i++) pthread_join(t[i], NULL);
        spawned += batch;
    }
}
