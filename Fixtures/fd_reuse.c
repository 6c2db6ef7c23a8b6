// The same fd number names two files in turn: /dev/null, then /dev/zero.
// A tracer that caches fd paths must not show the second write as /dev/null.
#include <fcntl.h>
#include <unistd.h>

int main(void) {
    alarm(20);
    int fd = open("/dev/null", O_WRONLY);
    write(fd, "a", 1);
    close(fd);
    fd = open("/dev/zero", O_WRONLY);
    write(fd, "b", 1);
    close(fd);
    return 0;
}
