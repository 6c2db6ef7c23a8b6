// One of each kind of return value the views render: openat of a missing file (ENOENT), an anonymous
// mmap (an address), openat of argv[1] (an fd with a path), fcntl F_DUPFD (another fd) and F_GETFD
// (flags). Exits 0; dies by alarm(20).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    alarm(20);
    if (argc < 2) return 2;
    if (openat(AT_FDCWD, "/nonexistent-stackcross/missing", O_RDONLY) >= 0) return 3;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 4;
    int fd = openat(AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 5;
    int dup = fcntl(fd, F_DUPFD, 10);
    if (dup < 0) return 6;
    if (fcntl(fd, F_GETFD) != FD_CLOEXEC) return 7;
    close(dup);
    close(fd);
    munmap(p, 4096);
    return 0;
}
