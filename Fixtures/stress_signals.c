// Signal storm. Phase 1: kill(getpid(), SIGUSR1) SELF times (argv[1], default 2000); a signal sent to
// oneself and unblocked is delivered before kill returns, so the handler runs exactly SELF times.
// Phase 2: a forked sibling sigqueue()s SIGRTMIN to the parent QUEUED times (argv[2], default 2000),
// counting those accepted (real-time signals queue, never merge), while the parent loops on getppid()
// and write to /dev/null; the sibling reports its count through a pipe and exits. Every accepted signal
// is delivered before the parent's waitpid returns to user code. Prints
// "usr1 H1/SELF rt H2 sent S" and exits 0 when H1 == SELF and H2 == S, 1 otherwise. alarm(60).
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, rt, sibling_done;

static void on_usr1(int s) { (void)s; usr1++; }
static void on_rt(int s) { (void)s; rt++; }
static void on_chld(int s) { (void)s; sibling_done = 1; }

int main(int argc, char **argv) {
    alarm(60);
    int self = argc > 1 ? atoi(argv[1]) : 2000;
    int queued = argc > 2 ? atoi(argv[2]) : 2000;
    struct sigaction sa = {0};
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_rt;
    sigaction(SIGRTMIN, &sa, NULL);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);

    for (int i = 0; i < self; i++) kill(getpid(), SIGUSR1);

    int fds[2];
    if (pipe(fds) != 0) return 2;
    pid_t parent = getpid();
    pid_t sib = fork();
    if (sib == 0) {
        close(fds[0]);
        int sent = 0;
        union sigval v = {0};
        for (int i = 0; i < queued; i++) if (sigqueue(parent, SIGRTMIN, v) == 0) sent++;
        if (write(fds[1], &sent, sizeof sent) != sizeof sent) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    int devnull = open("/dev/null", O_WRONLY);
    while (!sibling_done) {
        getppid();
        if (write(devnull, "x", 1) != 1) return 4;
    }
    int st = 0;
    while (waitpid(sib, &st, 0) != sib) {}
    int sent = -1;
    while (read(fds[0], &sent, sizeof sent) < 0) {}
    printf("usr1 %d/%d rt %d sent %d\n", (int)usr1, self, (int)rt, sent);
    return (usr1 == self && rt == sent && WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : 1;
}
