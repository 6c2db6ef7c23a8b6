// Fork storm: forks COUNT children (argv[1], default 200) without waiting in between; every fourth child
// forks a grandchild of its own. Each process writes exactly one line with one write(2) and exits with a
// code of its own, checked by its parent. The parent then writes "forks N grandchildren G writes W bad B"
// (one more write) and exits 3. No stdio before fork, so no buffer is duplicated. alarm(60).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *what, int i) {
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s %d\n", what, i);
    if (write(1, buf, (size_t)n) != n) _exit(100);
}

int main(int argc, char **argv) {
    alarm(60);
    int count = argc > 1 ? atoi(argv[1]) : 200;
    pid_t *kids = calloc((size_t)count, sizeof *kids);
    int grandchildren = 0, bad = 0;
    for (int i = 0; i < count; i++) {
        if (i % 4 == 0) grandchildren++;
        kids[i] = fork();
        if (kids[i] < 0) { bad++; continue; }
        if (kids[i] == 0) {
            int gbad = 0;
            if (i % 4 == 0) {
                pid_t g = fork();
                if (g == 0) { say("grandchild", i); _exit(9); }
                int st = 0;
                if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 9) gbad = 1;
            }
            say("child", i);
            _exit(gbad ? 99 : i % 50);
        }
    }
    for (int i = 0; i < count; i++) {
        int st = 0;
        if (kids[i] <= 0 || waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != i % 50) bad++;
    }
    char buf[128];
    int n = snprintf(buf, sizeof buf, "forks %d grandchildren %d writes %d bad %d\n", count, grandchildren,
                     count + grandchildren + 1, bad);
    if (write(1, buf, (size_t)n) != n) return 100;
    return 3;
}
