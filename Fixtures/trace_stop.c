// Job control under the tracer. A child sleeps 1 s in clock_nanosleep; the parent waits until it is
// asleep, stops it with SIGSTOP (the sleep is interrupted: ERESTART_RESTARTBLOCK), sees it stopped
// with waitpid(WUNTRACED), continues it with SIGCONT (the kernel resumes the sleep through
// restart_syscall), and reaps it. Prints "stopped=1 exit=5" and exits 0.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state_of(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

int main(void) {
    alarm(60);
    pid_t child = fork();
    if (child == 0) {
        struct timespec t = {1, 0};
        nanosleep(&t, NULL);
        _exit(5);
    }
    while (state_of(child) != 'S') usleep(1000);
    usleep(20000);
    kill(child, SIGSTOP);
    int st = 0;
    waitpid(child, &st, WUNTRACED);
    int stopped = WIFSTOPPED(st);
    kill(child, SIGCONT);
    waitpid(child, &st, 0);
    printf("stopped=%d exit=%d\n", stopped, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
