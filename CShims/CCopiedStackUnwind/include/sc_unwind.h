#pragma once
#include <stddef.h>
#include <stdint.h>

// libunwind remote unwinding of a *copied* stack: registers and stack bytes come from the copy,
// unwind tables (.eh_frame_hdr/.eh_frame) from the mapped files named in /proc/PID/maps as read at
// the copy's stop, so the tracee may have moved on (or exited) meanwhile.

typedef struct sc_mapping {
    uint64_t start, end, offset;
    const char *path;  // absolute path, or NULL for anonymous memory
    int executable;
} sc_mapping;

typedef struct sc_unwinder sc_unwinder;

sc_unwinder *sc_unwinder_create(void);
void sc_unwinder_destroy(sc_unwinder *u);

enum {
    SC_UNWIND_END = 0,        // reached the outermost frame
    SC_UNWIND_MAX_FRAMES = 1,
    SC_UNWIND_ERROR = 2,      // `why` says what went wrong
    SC_UNWIND_REPEAT = 3,     // a frame repeats (pc and sp): a bad stack
    SC_UNWIND_SP_DOWN = 4,    // the stack pointer went down: a bad stack
    SC_UNWIND_COPY_END = 5,   // a read past the end of the stack copy
};

// regs: the 17 x86_64 DWARF registers (rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8-r15, rip).
// The copy holds stack_len bytes that were at regs[7]. `generation` changes whenever the mappings
// do (cached unwind info is dropped then). Fills pcs/activation (innermost first) and returns the
// count; *stop gets one of SC_UNWIND_*.
int sc_unwind_libunwind(sc_unwinder *u, const uint64_t regs[17], const void *stack, size_t stack_len,
                        const sc_mapping *maps, size_t nmaps, uint64_t generation,
                        uint64_t *pcs, uint8_t *activation, int max, int *stop, char *why, size_t why_len);
