// Starts 3 threads that each make 20 write(2) calls to /dev/null and exit, joins them, exits 0.
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static int fd;

static void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 20; i++) {
        if (write(fd, "t\n", 2) != 2) return (void *)1;
    }
    return NULL;
}

int main(void) {
    alarm(60);
    fd = open("/dev/null", O_WRONLY);
    pthread_t th[3];
    for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    return 0;
}
