// For `trace --otlp-endpoint` streaming: makes BEFORE getppid calls, then reads one byte from stdin
// (the test holds it back until it has seen those spans at its receiver; EOF also releases it),
// then makes AFTER getuid calls and exits 0. Usage: otlp_stream [BEFORE=25] [AFTER=5]
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    alarm(60);
    long before = argc > 1 ? atol(argv[1]) : 25, after = argc > 2 ? atol(argv[2]) : 5;
    for (long i = 0; i < before; i++) getppid();
    char c;
    if (read(0, &c, 1) < 0) return 2;
    for (long i = 0; i < after; i++) getuid();
    return 0;
}
