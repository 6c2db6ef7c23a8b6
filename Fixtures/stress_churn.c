// Thread churn with a progress counter: main starts and joins four ~100 µs threads at a time, forever,
// and every 16 rounds pwrite()s the number of threads started so far, as text, to the file argv[1].
// Prints "READY <pid>" once the first count is written. alarm(120).
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void *brief(void *arg) {
    (void)arg;
    struct timespec ts = {0, 100 * 1000};
    nanosleep(&ts, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(120);
    if (argc < 2) return 2;
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 2;
    unsigned long started = 0;
    for (unsigned long round = 0;; round++) {
        if (round % 16 == 0) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%-20lu\n", started);
            if (pwrite(fd, buf, (size_t)n, 0) != n) return 3;
            if (round == 0) { printf("READY %d\n", (int)getpid()); fflush(stdout); }
        }
        pthread_t t[4];
        for (int i = 0; i < 4; i++) if (pthread_create(&t[i], NULL, brief, NULL) != 0) return 4;
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
        started += 4;
    }
}
