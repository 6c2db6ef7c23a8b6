// Threads come and go while stackcross attaches: main keeps starting short-lived threads (each
// lives about 200 µs) and one long-lived "steady" thread sleeps in pause(). Prints "READY <pid>" once
// /proc shows "steady" blocked in pause; alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
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

int main(void) {
    alarm(60);
    pthread_t s;
    pthread_create(&s, NULL, steady, NULL);
    pthread_setname_np(s, "steady");
    wait_blocked_in(&steady_tid, SYS_pause);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    for (;;) {
        pthread_t t[4];
        for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, brief, NULL);
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
        spawned += 4;
    }
}
