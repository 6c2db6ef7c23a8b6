// The main thread exits (pthread_exit) while a "worker" thread lives on in pause(): the leader stays a
// zombie (state Z) until the process ends, and PTRACE_SEIZE of it fails with EPERM, as for any task
// whose exit has begun. Prints "READY <pid>" once the worker is blocked in pause; with "now" the leader
// exits at once, else when the process receives SIGUSR2. Dies by alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_wait.h"

static volatile pid_t worker_tid;

__attribute__((noinline)) static void *worker(void *arg) {
    (void)arg;
    worker_tid = (pid_t)syscall(SYS_gettid);
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    alarm(60);
    // SIGUSR2 blocked in every thread: only the main thread's sigwait takes it.
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &usr2, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) { perror("pthread_create"); return 1; }
    pthread_setname_np(t, "worker");
    wait_blocked_in(&worker_tid, SYS_pause);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    if (argc < 2 || strcmp(argv[1], "now") != 0) {
        int sig = 0;
        sigwait(&usr2, &sig);
    }
    pthread_exit(NULL);
}
