#pragma once
#include <stdint.h>
#include <sys/types.h>

// One waitpid(2) with __WALL that does NOT retry EINTR, so a tracer blocked in it wakes on a signal.
// Returns the pid, 0 (WNOHANG) or -1 with errno (EINTR included).
pid_t sc_waitpid_interruptible(pid_t pid, int *status, int flags);

// Installs handlers for SIGINT, SIGTERM, SIGHUP without SA_RESTART that record the signal; the
// calling thread becomes the tracer thread, to which other threads forward these signals.
// With alarm_interval_ms > 0 also a periodic SIGALRM (ITIMER_REAL) that wakes a blocked wait.
int sc_install_tracer_signals(int alarm_interval_ms);
// Restores the default dispositions and stops the timer.
void sc_restore_tracer_signals(void);
// In a child forked by the tracer thread, before exec: the signal mask stackcross was started with
// (the tracer thread unblocks SIGALRM for its flush tick; the program must not inherit that).
void sc_tracer_child_sigmask(void);
// The first of SIGINT/SIGTERM/SIGHUP caught since the last call (then cleared), or 0.
int sc_tracer_take_stop_signal(void);

// CLOCK_MONOTONIC in ns.
uint64_t sc_monotonic_ns(void);
// How many CPUs this thread may run on (CPU_COUNT of sched_getaffinity), at least 1.
int sc_allowed_cpus(void);
