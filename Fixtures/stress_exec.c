// Exec chain: writes "exec N" and execs itself (/proc/self/exe) with N-1 until N is 0, then exits 42.
// alarm(60) is kept across the execs.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 0;
    if (argc < 3) alarm(60);  // only the first program in the chain; the alarm survives execve
    char line[32];
    int len = snprintf(line, sizeof line, "exec %d\n", n);
    if (write(1, line, (size_t)len) != len) return 100;
    if (n == 0) return 42;
    char next[16];
    snprintf(next, sizeof next, "%d", n - 1);
    execl("/proc/self/exe", argv[0], next, "chained", (char *)NULL);
    return 101;
}
