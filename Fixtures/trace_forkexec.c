// fork+exec and vfork+exec of /bin/true, each waited for; then a forked child that exits 7.
// Prints the children's statuses so a test can see they ran.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    alarm(60);
    int st;
    pid_t a = fork();
    if (a == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(126);
    }
    waitpid(a, &st, 0);
    pid_t b = vfork();
    if (b == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(126);
    }
    waitpid(b, &st, 0);
    pid_t c = fork();
    if (c == 0) _exit(7);
    waitpid(c, &st, 0);
    printf("child exit %d\n", WEXITSTATUS(st));
    return 0;
}
