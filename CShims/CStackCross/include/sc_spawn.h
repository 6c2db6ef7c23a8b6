#pragma once
#include <stdint.h>
#include <sys/types.h>

// Mirror of struct sock_filter (one classic BPF instruction), 8 bytes.
typedef struct sc_sock_filter {
    uint16_t code;
    uint8_t jt;
    uint8_t jf;
    uint32_t k;
} sc_sock_filter;

// Why a spawned child failed before running the program (read from the error pipe).
enum {
    SC_SPAWN_FAILED_SECCOMP = 1,   // prctl(PR_SET_NO_NEW_PRIVS) or seccomp(SET_MODE_FILTER) failed
    SC_SPAWN_FAILED_EXEC = 2,      // execv failed
    SC_SPAWN_FAILED_USER = 3,      // -u: initgroups, setgid or setuid failed
};

// What strace's -E and -u change in the child: envp (NULL: this process's environ) and, when
// run_as_user is non-zero, the user (initgroups(user_name, gid), setgid, setuid before the stop, so
// the tracer never sees those calls).
typedef struct {
    char *const *envp;
    int run_as_user;
    unsigned int uid;
    unsigned int gid;
    const char *user_name;
} sc_spawn_launch;

// sc_spawn_stopped with a launch description (NULL: as sc_spawn_stopped).
pid_t sc_spawn_stopped_as(const char *path, char *const argv[], const sc_sock_filter *filter,
                          unsigned short filter_len, const sc_spawn_launch *launch, int *error_fd);

// Forks a child that stops itself with SIGSTOP (so the tracer can seize it), then installs the
// seccomp filter when filter_len > 0, then execv(path, argv). Returns the child's pid once it is
// stopped, or -1 with errno. *error_fd receives the read end of a CLOEXEC pipe: it reads EOF when
// exec succeeded, or two ints {stage, errno} when the child failed before exec.
pid_t sc_spawn_stopped(const char *path, char *const argv[], const sc_sock_filter *filter,
                       unsigned short filter_len, int *error_fd);

// Reads the child's failure report from the error pipe without blocking. Returns 1 and fills
// stage/err when the child reported a failure, 0 otherwise.
int sc_spawn_read_failure(int error_fd, int *stage, int *err);
