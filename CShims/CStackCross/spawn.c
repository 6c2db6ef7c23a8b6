#define _GNU_SOURCE
#include "sc_spawn.h"
#include "sc_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(sizeof(sc_sock_filter) == sizeof(struct sock_filter), "mirror of sock_filter");
_Static_assert(offsetof(sc_sock_filter, k) == offsetof(struct sock_filter, k), "sock_filter.k slot");

// Only async-signal-safe calls between fork and exec: the parent may have many threads.
static void report_and_exit(int fd, int stage, int err) {
    int msg[2] = {stage, err};
    ssize_t w = write(fd, msg, sizeof msg);
    (void)w;
    _exit(127);
}

pid_t sc_spawn_stopped(const char *path, char *const argv[], const sc_sock_filter *filter,
                       unsigned short filter_len, int *error_fd) {
    return sc_spawn_stopped_as(path, argv, filter, filter_len, NULL, error_fd);
}

pid_t sc_spawn_stopped_as(const char *path, char *const argv[], const sc_sock_filter *filter,
                          unsigned short filter_len, const sc_spawn_launch *launch, int *error_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        sc_tracer_child_sigmask();
        if (launch && launch->run_as_user) {
            if (initgroups(launch->user_name, launch->gid) != 0 || setgid(launch->gid) != 0 || setuid(launch->uid) != 0)
                report_and_exit(fds[1], SC_SPAWN_FAILED_USER, errno);
        }
        // A raw kill, so the first syscall the tracer sees after the stop is ours, not libc's raise() cleanup.
        syscall(SYS_kill, getpid(), SIGSTOP);
        if (filter_len > 0) {
            struct sock_fprog prog = {.len = filter_len, .filter = (struct sock_filter *)filter};
            // no_new_privs would stay with the program (setuid, file caps): set it only when the
            // filter cannot be installed without it (no CAP_SYS_ADMIN), as strace must always do.
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
                if (errno != EACCES) report_and_exit(fds[1], SC_SPAWN_FAILED_SECCOMP, errno);
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) report_and_exit(fds[1], SC_SPAWN_FAILED_SECCOMP, errno);
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
                    report_and_exit(fds[1], SC_SPAWN_FAILED_SECCOMP, errno);
            }
        }
        if (launch && launch->envp) execve(path, argv, launch->envp);
        else execv(path, argv);
        report_and_exit(fds[1], SC_SPAWN_FAILED_EXEC, errno);
    }
    close(fds[1]);
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WUNTRACED);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            close(fds[0]);
            errno = e;
            return -1;
        }
        if (WIFSTOPPED(status)) break;
        // The child died before it could stop: nothing to trace.
        close(fds[0]);
        errno = ECHILD;
        return -1;
    }
    *error_fd = fds[0];
    return pid;
}

int sc_spawn_read_failure(int error_fd, int *stage, int *err) {
    int msg[2];
    int flags = fcntl(error_fd, F_GETFL);
    if (flags >= 0) fcntl(error_fd, F_SETFL, flags | O_NONBLOCK);
    ssize_t n;
    do {
        n = read(error_fd, msg, sizeof msg);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof msg) return 0;
    *stage = msg[0];
    *err = msg[1];
    return 1;
}
