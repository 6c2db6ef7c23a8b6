// Syscalls through every way in this CPU offers a program, for the kernel-stack model:
// glibc write/getpid (SYSCALL on x86_64; the vDSO's __kernel_vsyscall when built -m32), and
// int $0x80 write(1, "i80\n", 4) and getpid (eax 20) done by hand, and a 1 ms nanosleep (a context
// switch). Prints "ok" and exits 0.
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    alarm(60);
    if (write(1, "hello\n", 6) != 6) return 2;
    getpid();
    struct timespec ms = {0, 1000000};
    if (nanosleep(&ms, NULL) != 0) return 7;
    // int $0x80 takes 32-bit pointers: the buffer must sit below 4 GiB.
    char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED) return 3;
    memcpy(low, "i80\n", 4);
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(4L), "b"(1L), "c"(low), "d"(4L) : "memory");
    if (ret != 4) return 4;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    if (ret != getpid()) return 5;
    if (write(1, "ok\n", 3) != 3) return 6;
    return 0;
}
