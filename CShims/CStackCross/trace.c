#define _GNU_SOURCE
#include "sc_trace.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t sc_waitpid_interruptible(pid_t pid, int *status, int flags) {
    return waitpid(pid, status, flags | __WALL);
}

static volatile sig_atomic_t stop_signal = 0;
static volatile pid_t tracer_tid = 0;

// A process-directed signal may land on any thread; the tracer thread must be the one woken
// (its blocked waitpid returns EINTR), so other threads pass it on.
static void pass_to_tracer(int sig) {
    pid_t self = (pid_t)syscall(SYS_gettid);
    if (tracer_tid != 0 && self != tracer_tid) syscall(SYS_tgkill, getpid(), tracer_tid, sig);
}

static void on_stop_signal(int sig) {
    int saved = errno;
    if (stop_signal == 0) stop_signal = sig;
    pass_to_tracer(sig);
    errno = saved;
}

static void on_alarm(int sig) {
    int saved = errno;
    pass_to_tracer(sig);
    errno = saved;
}

// The tracer thread's mask before it unblocked SIGALRM (a parent may have started us with it blocked).
static sigset_t caller_mask;
static volatile sig_atomic_t caller_mask_saved = 0;

void sc_tracer_child_sigmask(void) {
    if (caller_mask_saved) sigprocmask(SIG_SETMASK, &caller_mask, NULL);
}

int sc_install_tracer_signals(int alarm_interval_ms) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked waitpid returns EINTR
    stop_signal = 0;
    tracer_tid = (pid_t)syscall(SYS_gettid);
    if (sigaction(SIGINT, &sa, NULL) != 0) return -1;
    if (sigaction(SIGTERM, &sa, NULL) != 0) return -1;
    if (sigaction(SIGHUP, &sa, NULL) != 0) return -1;
    if (alarm_interval_ms > 0) {
        sa.sa_handler = on_alarm;
        if (sigaction(SIGALRM, &sa, NULL) != 0) return -1;
        // A SIGALRM blocked by whoever started us would never tick: the idle flushes would never come.
        sigset_t alrm;
        sigemptyset(&alrm);
        sigaddset(&alrm, SIGALRM);
        if (pthread_sigmask(SIG_UNBLOCK, &alrm, &caller_mask) != 0) return -1;
        caller_mask_saved = 1;
        struct itimerval it;
        it.it_interval.tv_sec = alarm_interval_ms / 1000;
        it.it_interval.tv_usec = (alarm_interval_ms % 1000) * 1000;
        it.it_value = it.it_interval;
        if (setitimer(ITIMER_REAL, &it, NULL) != 0) return -1;
    }
    return 0;
}

void sc_restore_tracer_signals(void) {
    tracer_tid = 0;
    struct itimerval off;
    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    if (caller_mask_saved) {
        pthread_sigmask(SIG_SETMASK, &caller_mask, NULL);
        caller_mask_saved = 0;
    }
    signal(SIGALRM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

int sc_tracer_take_stop_signal(void) {
    int s = stop_signal;
    stop_signal = 0;
    return s;
}

int sc_allowed_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

uint64_t sc_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

