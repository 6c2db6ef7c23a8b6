// Makes exactly N write(2) calls of "x\n" to PATH (default /dev/null), then exits 0.
// Usage: trace_writes [N] [PATH]
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10;
    alarm(60 + (unsigned)(n / 5000));  // dies by itself if forgotten, with time for a long traced run
    const char *path = argc > 2 ? argv[2] : "/dev/null";
    int fd = open(path, O_WRONLY);
    if (fd < 0) return 2;
    for (long i = 0; i < n; i++) {
        if (write(fd, "x\n", 2) != 2) return 3;
    }
    close(fd);
    return 0;
}
