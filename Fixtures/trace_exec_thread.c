// execve from a non-leader thread: the thread takes over the leader's TID (ptrace(2), "execve
// under ptrace"). The new image is /bin/echo printing "after-exec". The leader blocks in pause().
#include <pthread.h>
#include <unistd.h>

static void *execer(void *arg) {
    (void)arg;
    usleep(20000);
    char *argv[] = {"echo", "after-exec", NULL};
    execv("/bin/echo", argv);
    _exit(126);
}

int main(void) {
    alarm(60);
    pthread_t t;
    pthread_create(&t, NULL, execer, NULL);
    for (;;) pause();
}
