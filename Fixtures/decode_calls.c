// Calls whose arguments strace decodes beyond plain numbers (#15): flag names, unknown-bit notes,
// 32-bit flag arguments, uid -1, syslog's per-action arguments, gid and CPU arrays, a string
// running into an unmapped page, sendmsg's control messages. Every call is harmless (fails or
// reads). Exits 0; dies by alarm(60).
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    alarm(60);
    syscall(SYS_setfsuid, -1L);
    syscall(SYS_dup3, -7, -7, 7);
    syscall(SYS_mlockall, 8);
    syscall(SYS_syslog, 10, 0xfacefeeddeadbeefUL, -1);
    syscall(SYS_syslog, 8, 0xfacefeeddeadbeefUL, 9 | 0xdefaced00000000UL);  // level 9: EINVAL, changes nothing
    gid_t groups[64];
    syscall(SYS_getgroups, 0, groups);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof(set), &set);
    syscall(SYS_sched_getaffinity, 0, 8, &set);
    syscall(SYS_fadvise64, -1, 0, 0, POSIX_FADV_DONTNEED);
    // One readable byte before an unmapped page: strace shows the address, not a partial string.
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 1;
    munmap(page + 4096, 4096);
    page[4095] = 'x';
    syscall(SYS_chdir, page + 4095);
    // Two fds in an SCM_RIGHTS message to a bad socket.
    union { struct cmsghdr h; char buf[CMSG_SPACE(2 * sizeof(int))]; } control;
    memset(&control, 0, sizeof(control));
    control.h.cmsg_len = CMSG_LEN(2 * sizeof(int));
    control.h.cmsg_level = SOL_SOCKET;
    control.h.cmsg_type = SCM_RIGHTS;
    int fds[2] = {-10, -11};
    memcpy(CMSG_DATA(&control.h), fds, sizeof(fds));
    struct msghdr msg = {.msg_control = &control, .msg_controllen = sizeof(control)};
    sendmsg(-1, &msg, MSG_DONTWAIT);
    return 0;
}
