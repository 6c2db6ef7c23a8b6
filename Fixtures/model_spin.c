// One thread spinning in user mode and the main thread blocked in read() on a pipe, for
// `stackcross attach`: the spinner is stopped by an interrupt (orig_rax -1), main inside a syscall.
// Prints "READY <pid>" once the spinner runs; dies by alarm(60).
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile unsigned long spins;
static int fds[2];

__attribute__((noinline)) static void spin_loop(void) {
    for (;;) spins++;
}
static void *spinner(void *a) {
    (void)a;
    spin_loop();
    return NULL;
}

int main(void) {
    alarm(60);
    if (pipe(fds) != 0) return 2;
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (spins < 1000000) usleep(1000);
    printf("READY %d\n", getpid());
    fflush(stdout);
    char c;
    return read(fds[0], &c, 1) == 1 ? 0 : 3;
}
