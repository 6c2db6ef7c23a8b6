// N threads (argv[1], default 30), each a few frames deep in its own call chain and blocked in
// a different way (read on a pipe, nanosleep, a condition variable), for the attach benchmark.
// Prints "READY <pid>" when every thread is in place; dies by alarm(argv[2], default 60).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int pipe_fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;

static void announce(void) {
    pthread_mutex_lock(&lock);
    ready++;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) static void block_here(long kind) {
    announce();
    char buf[16];
    struct timespec ts = {1000, 0};
    switch (kind % 3) {
    case 0: for (;;) if (read(pipe_fds[0], buf, sizeof buf) <= 0) return;
    case 1: for (;;) nanosleep(&ts, NULL);
    default:
        pthread_mutex_lock(&lock);
        for (;;) pthread_cond_wait(&cond, &lock);
    }
}
__attribute__((noinline)) static void level3(long kind) { block_here(kind); }
__attribute__((noinline)) static void level2(long kind) { level3(kind); }
__attribute__((noinline)) static void level1(long kind) { level2(kind); }
static void *worker(void *arg) {
    level1((long)arg);
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 30;
    alarm(argc > 2 ? atoi(argv[2]) : 60);
    if (pipe(pipe_fds) != 0) { perror("pipe"); return 1; }
    pthread_t *th = calloc((size_t)n, sizeof *th);
    for (long i = 0; i < n; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)i) != 0) { perror("pthread_create"); return 1; }
        char name[16];
        snprintf(name, sizeof name, "worker-%ld", i);
        pthread_setname_np(th[i], name);
    }
    pthread_mutex_lock(&lock);
    while (ready < n) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    usleep(100 * 1000);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
    return 0;
}
