// execve from a non-leader thread: the thread takes over the leader's TID (ptrace(2), "execve
// under ptrace"). The new image is /bin/echo printing "after-exec". The leader blocks in pause().
#include <pthread.h>
#include <unistd.h>

static volatile int leader_pausing;

static void *execer(void *arg) {
    (void)arg;
    // Wait (without a syscall, so strace and stackcross see the same calls) until the leader is about to
    // pause, then give it 20 ms to get into it: its pause is in every run, however late it was scheduled.
    while (!leader_pausing) {}
    usleep(20000);
    char *argv[] = {"echo", "after-exec", NULL};
    execv("/bin/echo", argv);
    _exit(126);
}

int main(void) {
    alarm(60);
    pthread_t t;
    pthread_create(&t, NULL, execer, NULL);
    leader_pausing = 1;
    for (;;) pause();
}
