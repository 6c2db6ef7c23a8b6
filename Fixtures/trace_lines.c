// For the strace-like text lines: getpid() while it is the only task, then a thread that calls
// gettid() and ends, then (the thread joined and reaped by the tracer 200 ms before) getppid().
// Exits 0; dies by alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void)arg;
    syscall(SYS_gettid);
    return NULL;
}

int main(void) {
    alarm(60);
    getpid();
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) return 1;
    pthread_join(t, NULL);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    getppid();
    return 0;
}
