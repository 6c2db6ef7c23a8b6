// Runs until killed (alarm after 60 s): prints READY, then 3 threads write to /dev/null and sleep 1 ms in a loop.
// For attaching with -p and detaching while it runs.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int fd;

static void *spin(void *arg) {
    (void)arg;
    struct timespec ms = {0, 1000000};
    for (;;) {
        if (write(fd, "l", 1) != 1) return NULL;
        nanosleep(&ms, NULL);
    }
}

int main(void) {
    alarm(60);
    fd = open("/dev/null", O_WRONLY);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, spin, NULL);
    printf("READY %d\n", (int)getpid());
    fflush(stdout);
    spin(NULL);
    return 0;
}
