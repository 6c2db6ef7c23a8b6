// Prints each argument, then $SC_BYTES, as hex, one per line: what execve handed over, byte for byte.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void hex(const char *s) {
    for (; *s; s++) printf("%02x", (unsigned char)*s);
    printf("\n");
}

int main(int argc, char **argv) {
    alarm(10);
    for (int i = 1; i < argc; i++) hex(argv[i]);
    const char *e = getenv("SC_BYTES");
    if (e) {
        printf("env ");
        hex(e);
    }
    return 0;
}
