// Calls open(argv[1]) three times, getppid once and write(2) "done\n" once, printing what each returned
// (and errno) on stdout, so a run under fault injection shows which calls failed and how. Exits 0; dies by alarm(20).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    alarm(20);
    if (argc < 2) return 2;
    for (int i = 0; i < 3; i++) {
        int fd = open(argv[1], O_RDONLY);
        printf("open %d %s\n", fd >= 0 ? 0 : -1, fd >= 0 ? "ok" : strerror(errno));
        if (fd >= 0) close(fd);
    }
    printf("getppid %ld\n", (long)getppid() == 42 ? 42L : 0L);
    fflush(stdout);
    long n = write(2, "done\n", 5);
    printf("write %ld %s\n", n, n < 0 ? strerror(errno) : "ok");
    return 0;
}
