// A 64-bit program that makes the i386 write syscall (eax=4) with int $0x80, 3 times "i80\n" to
// stdout. The kernel runs it through the i386 table: 4 is write there, not x86_64's stat.
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    alarm(60);
    // int $0x80 takes 32-bit pointers: the buffer must sit below 4 GiB.
    char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED) return 2;
    memcpy(low, "i80\n", 4);
    for (int i = 0; i < 3; i++) {
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(4L), "b"(1L), "c"(low), "d"(4L) : "memory");
        if (ret != 4) return 3;
    }
    return 0;
}
