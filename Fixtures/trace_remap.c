// Code replaced at one address: maps a page of code, calls getpid through SYSCALL at its offset 5,
// unmaps it, maps a new page at the same address whose offset 5 holds int $0x80 instead (i386
// getpid, eax 20), and calls that. Both calls return from the same rip with different ABIs.
// Prints "pids equal" and exits 0.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    alarm(60);
    void *at = (void *)0x10000000;  // below 4 GiB, where int $0x80 code may run
    static const unsigned char sys64[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};  // mov $39,%eax; syscall; ret
    static const unsigned char int80[] = {0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3};  // mov $20,%eax; int $0x80; ret
    long pids[2];
    for (int i = 0; i < 2; i++) {
        unsigned char *p = mmap(at, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) return 2;
        memcpy(p, i == 0 ? sys64 : int80, sizeof sys64);
        pids[i] = ((long (*)(void))p)();
        munmap(p, 4096);
    }
    printf(pids[0] == pids[1] && pids[0] == getpid() ? "pids equal\n" : "pids differ\n");
    return 0;
}
