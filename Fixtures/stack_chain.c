// write() at the end of a known call chain, for `trace --stack`:
//   main → level1 → level2 → level3 → leaf → write, COUNT times (argv[1], default 100), to /dev/null.
// argv[2] picks a variant:
//   chain    the above (default)
//   threads  4 threads "worker", each thread_main → level1 → … → leaf → write, COUNT times each
//   deep     main → deep(200 frames) → leaf → write, once per COUNT
//   broken   broken_leaf overwrites its saved return address with 0x10 around one write
//   loop     loop_leaf points its saved frame pointer at itself around one write
//   jit      the write is made by machine code in an anonymous executable mapping (no module)
//   dlopen   libz.so.1, loaded with dlopen after start, makes the write (in gzclose)
//   inline   main → inline_outer → (inlined: inline_mid → inline_leaf) → write
// Dies by alarm(60).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int out_fd;
static volatile int sink;

__attribute__((noinline)) void leaf(int i) {
    if (write(out_fd, "x\n", 2) != 2) sink = i;
}
__attribute__((noinline)) void level3(int i) { leaf(i); sink = i; }
__attribute__((noinline)) void level2(int i) { level3(i); sink = i; }
__attribute__((noinline)) void level1(int i) { level2(i); sink = i; }

__attribute__((noinline)) void deep(int n, int i) {
    if (n > 0) deep(n - 1, i);
    else leaf(i);
    sink = n;
}

__attribute__((noinline)) void broken_leaf(void) {
    void *volatile *frame = __builtin_frame_address(0);
    void *saved = frame[1];
    frame[1] = (void *)0x10;  // a return address in no module
    if (write(out_fd, "broken\n", 7) != 7) sink = 1;
    frame[1] = saved;
}

__attribute__((noinline)) void loop_leaf(void) {
    void *volatile *frame = __builtin_frame_address(0);
    void *saved = frame[0];
    frame[0] = (void *)frame;  // the caller's frame now unwinds to itself, forever
    if (write(out_fd, "loop\n", 5) != 5) sink = 1;
    frame[0] = saved;
}

typedef long (*raw_write_fn)(long fd, const void *buf, long len);

__attribute__((noinline)) void jit_leaf(void) {
    // mov $1, %eax; syscall; ret
    static const unsigned char code[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3};
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { perror("mmap"); exit(1); }
    memcpy(page, code, sizeof code);
    raw_write_fn f = (raw_write_fn)page;
    if (f(out_fd, "jit\n", 4) != 4) sink = 1;
    munmap(page, 4096);
}

// Through a library the process did not start with: its module appears only after dlopen's mmaps.
__attribute__((noinline)) void dlopen_leaf(void) {
    // A first stack with the start-up modules, so that the tracer's module map must be refreshed.
    if (write(out_fd, "before\n", 7) != 7) sink = 1;
    void *z = dlopen("libz.so.1", RTLD_NOW);
    if (!z) { fprintf(stderr, "dlopen: %s\n", dlerror()); exit(1); }
    void *(*gzdopen)(int, const char *) = (void *(*)(int, const char *))dlsym(z, "gzdopen");
    int (*gzwrite)(void *, const void *, unsigned) = (int (*)(void *, const void *, unsigned))dlsym(z, "gzwrite");
    int (*gzclose)(void *) = (int (*)(void *))dlsym(z, "gzclose");
    if (!gzdopen || !gzwrite || !gzclose) { fprintf(stderr, "dlsym failed\n"); exit(1); }
    void *gz = gzdopen(dup(out_fd), "wb");
    gzwrite(gz, "compressed\n", 11);
    gzclose(gz);
}

// Inlined even at -O0 (always_inline): DWARF records them as DW_TAG_inlined_subroutine.
static inline __attribute__((always_inline)) void inline_leaf(void) {
    if (write(out_fd, "inline\n", 7) != 7) sink = 1;
}
static inline __attribute__((always_inline)) void inline_mid(void) {
    inline_leaf();
    sink = 2;
}
__attribute__((noinline)) void inline_outer(void) {
    inline_mid();
    sink = 3;
}

static int count = 100;

static void *thread_main(void *arg) {
    (void)arg;
    for (int i = 0; i < count; i++) level1(i);
    return NULL;
}

int main(int argc, char **argv) {
    alarm(60);
    if (argc > 1) count = atoi(argv[1]);
    const char *mode = argc > 2 ? argv[2] : "chain";
    out_fd = open("/dev/null", O_WRONLY);
    if (out_fd < 0) { perror("/dev/null"); return 1; }
    if (strcmp(mode, "chain") == 0) {
        for (int i = 0; i < count; i++) level1(i);
    } else if (strcmp(mode, "threads") == 0) {
        pthread_t t[4];
        for (int i = 0; i < 4; i++) {
            pthread_create(&t[i], NULL, thread_main, NULL);
            pthread_setname_np(t[i], "worker");
        }
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    } else if (strcmp(mode, "deep") == 0) {
        for (int i = 0; i < count; i++) deep(200, i);
    } else if (strcmp(mode, "broken") == 0) {
        broken_leaf();
    } else if (strcmp(mode, "loop") == 0) {
        loop_leaf();
    } else if (strcmp(mode, "jit") == 0) {
        jit_leaf();
    } else if (strcmp(mode, "inline") == 0) {
        inline_outer();
    } else if (strcmp(mode, "dlopen") == 0) {
        dlopen_leaf();
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return 0;
}
