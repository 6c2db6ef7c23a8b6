// strace -yy's lookups that /proc does not offer: a socket's protocol name and a unix socket's peer.
#include "sc_net.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

ssize_t sc_sock_proto_name(const char *fd_path, char *buf, size_t size) {
    if (size < 2) return -1;
    ssize_t n = getxattr(fd_path, "system.sockprotoname", buf, size - 1);
    if (n >= 0) buf[n] = 0;
    return n;
}

int sc_unix_peer(uint32_t inode, uint32_t *peer) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    // The kernel answers at once; the timeout only keeps a broken netlink from hanging the tracer.
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct {
        struct nlmsghdr nlh;
        struct unix_diag_req udr;
    } req = {
        .nlh = {.nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST},
        .udr = {.sdiag_family = AF_UNIX, .udiag_states = -1, .udiag_ino = inode, .udiag_show = UDIAG_SHOW_PEER,
                .udiag_cookie = {~0U, ~0U}},
    };
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0) {
        close(fd);
        return -1;
    }
    union {
        char buf[8192];
        struct nlmsghdr h;
    } u;
    ssize_t n = recv(fd, u.buf, sizeof(u.buf), 0);
    close(fd);
    if (n <= 0) return -1;
    struct nlmsghdr *h = &u.h;
    if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != SOCK_DIAG_BY_FAMILY) return -1;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg))) return -1;
    struct unix_diag_msg *m = NLMSG_DATA(h);
    if (m->udiag_ino != inode) return -1;
    int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
    for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
            memcpy(peer, RTA_DATA(a), sizeof(uint32_t));
            return *peer != 0;
        }
    }
    return 0;
}
