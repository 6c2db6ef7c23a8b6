// Writes to a file in DIR (argv[1]) whose name is not UTF-8 and holds a newline, `<`, `>`, quotes and
// control bytes: the fd's path, shown strace -y style, must keep every byte readable on one line.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    alarm(20);
    if (argc < 2) return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/a\377b\nc<d>e\\f\"g\001h\0012 \303\251\177", argv[1]);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0) return 1;
    write(fd, "x", 1);
    close(fd);
    unlink(path);
    return 0;
}
