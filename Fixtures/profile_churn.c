// profile fixture: threads created and destroyed all the time (each sleeps 20 ms in
// profile_short_life and exits; main joins it and starts the next, three at a time).
// Prints "READY" at once; dies by alarm if forgotten.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) void profile_short_life(void) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void *worker(void *a) { (void)a; profile_short_life(); return NULL; }

int main(int argc, char **argv) {
    alarm(argc > 1 ? atoi(argv[1]) : 30);
    printf("READY\n");
    fflush(stdout);
    pthread_t t[3];
    for (;;) {
        for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, NULL);
        for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    }
}
