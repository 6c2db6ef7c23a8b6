#pragma once
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/// getxattr(fd_path, "system.sockprotoname"): the socket's protocol name ("TCP", "UNIX", ...), NUL-terminated; -1 on error.
ssize_t sc_sock_proto_name(const char *fd_path, char *buf, size_t size);

/// The peer inode of the unix socket `inode` (sock_diag over netlink, in this process's network namespace):
/// 1 with *peer set, 0 when it has none, -1 when it cannot be asked.
int sc_unix_peer(uint32_t inode, uint32_t *peer);
