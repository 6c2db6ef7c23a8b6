// Starts COUNT short-lived threads (argv[1], default 200), four at a time: each calls gettid() and
// sleeps 100 µs, then ends and is joined. Exits 0; dies by alarm(60).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *brief(void *arg) {
    (void)arg;
    syscall(SYS_gettid);
    struct timespec ts = {0, 100 * 1000};
    nanosleep(&ts, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(60);
    int count = argc > 1 ? atoi(argv[1]) : 200;
    for (int done = 0; done < count; done += 4) {
        pthread_t t[4];
        for (int i = 0; i < 4; i++)
            if (pthread_create(&t[i], NULL, brief, NULL) != 0) return 1;
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    }
    return 0;
}
