// Threads come and go while stackcross attaches: main keeps starting short-lived threads (each
// lives about 200 µs) and one long-lived "steady" thread sleeps in pause(). Prints "READY <pid>" once
// /proc shows "steady" blocked in pause; alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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
    // /proc/self/task/TID/syscall starts with the number only while the thread is blocked in that call.
    for (;;) {
        char path[64];
        long nr = -1;
        snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)steady_tid);
        FILE *f = steady_tid ? fopen(path, "r") : NULL;
        if (f) {
            if (fscanf(f, "%ld", &nr) != 1) nr = -1;
            fclose(f);
        }
        if (nr == SYS_pause) break;
        usleep(1000);
    }
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    for (;;) {
        pthread_t t[4];
        for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, brief, NULL);
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
        spawned += 4;
    }
}
