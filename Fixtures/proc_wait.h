// Shared by the fixtures that print READY only once their threads are blocked where the tests look.
#ifndef STACKCROSS_FIXTURE_PROC_WAIT_H
#define STACKCROSS_FIXTURE_PROC_WAIT_H
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

// Whether thread `tid` sleeps inside one of the syscalls `nrs` (-1-terminated: read is 0 on x86_64): /proc/self/task/TID/syscall
// starts with the number only while the thread is blocked, and says "running" otherwise.
static inline int blocked_in(pid_t tid, const long *nrs) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    long nr = -1;
    int ok = fscanf(f, "%ld", &nr) == 1;
    fclose(f);
    for (; ok && *nrs >= 0; nrs++) if (*nrs == nr) return 1;
    return 0;
}

// Waits until the thread whose id `*tid` will hold (0 until it has started) is blocked in syscall `nr`.
static inline void wait_blocked_in(volatile pid_t *tid, long nr) {
    const long nrs[] = {nr, -1};
    while (*tid == 0 || !blocked_in(*tid, nrs)) usleep(1000);
}
#endif
