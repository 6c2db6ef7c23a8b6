#!/usr/bin/env python3
"""Writes Sources/StackCross/Syscalls/StraceXlat+Generated.swift from strace 6.1's src/xlat/*.in
(the named constants strace prints), for the tables whose .in files carry their values.
Usage: gen-xlat.py STRACE_SRC > StraceXlat+Generated.swift"""
import os, re, sys

SRC = sys.argv[1]
# (xlat file, Swift name); a value that is another constant's name is resolved through ALIASES.
TABLES = ["sock_options", "getsock_options", "sock_ip_options", "getsock_ip_options", "sock_ipv6_options",
          "getsock_ipv6_options", "sock_packet_options", "sock_netlink_options", "sock_raw_options",
          "sock_tcp_options", "sock_udp_options", "socketlayers", "clocknames", "mount_flags",
          "fan_classes", "fan_init_flags", "module_init_flags", "mlock_flags", "sync_file_range_flags",
          "flockcmds", "swap_flags", "shm_flags", "bootflags1", "bootflags2", "bootflags3",
          "get_mempolicy_flags", "mpol_mode_flags", "membarrier_cmds", "membarrier_flags",
          "perf_event_open_flags", "pkey_access", "epollctls", "itimer_which", "xattrflags", "sigev_value",
          "quotacmds", "quotatypes", "epollevents", "pollflags", "fan_mark_flags", "fan_event_flags",
          "mq_attr_flags", "kexec_arch_values", "ioprio_class", "ioprio_who", "sched_flags", "schedulers",
          "fsmount_flags", "falloc_flags", "madvise_cmds", "splice_flags", "fsopen_flags", "setns_types",
          "unshare_flags", "landlock_create_ruleset_flags", "landlock_rule_types", "kexec_file_load_flags",
          "kexec_load_flags", "kcmp_types", "policies", "mbindflags", "priorities", "memfd_create_flags",
          "sfd_flags", "tfd_flags", "epollflags", "pidfd_open_flags", "memfd_secret_flags", "timerfdflags",
          # dec-net: sockaddr families (src/sockaddr.c) and socket options.
          "addrfams", "arp_hardware_types", "ethernet_protocols", "af_packet_types", "rxrpc_services", "socktypes",
          "ieee802154_addr_types", "ieee802154_pan_ids", "ieee802154_addrs", "alg_sockaddr_flags",
          "nfc_sockaddr_protocols", "nfc_saps", "vsock_cids", "vsock_ports", "vsock_flags", "qipcrtr_nodes",
          "qipcrtr_ports", "xdp_sockaddr_flags", "mctp_addrs", "mctp_nets", "hci_channels", "bdaddr_types",
          "packet_mreq_type",
          "uring_register_opcodes", "uring_ops", "uring_op_flags", "uring_sqe_flags", "uring_restriction_opcodes",
          "uring_register_rsrc_flags", "uring_files_update_fds", "uring_iowq_acct", "uring_setup_flags",
          "uring_setup_features", "uring_enter_flags", "mmap_flags", "mmap_prot",
          "open_resolve_flags", "quota_formats", "xfs_quota_flags", "xfs_dqblk_flags", "if_dqblk_valid",
          "if_dqinfo_flags", "if_dqinfo_valid", "fsconfig_cmds", "fsmount_attr_flags", "move_mount_flags",
          "open_tree_flags", "fspick_flags", "mount_setattr_flags", "mount_attr_propagation", "fsmagic",
          "statfs_flags", "dirent_types", "icmp_filter_flags",
          "rwf_flags", "close_range_flags",
          "landlock_ruleset_access_fs", "key_perms", "key_reqkeys", "keyctl_commands", "keyctl_move_flags",
          "keyctl_pkey_ops", "keyctl_caps0", "keyctl_caps1",
          "bpf_commands", "bpf_map_types", "bpf_map_flags", "bpf_file_mode_flags", "bpf_map_lookup_elem_flags",
          "bpf_map_update_elem_flags", "bpf_attach_type", "bpf_attach_flags", "statx_masks", "statx_attrs"]
# Headers that define the constants whose .in lines carry no value (read back through the C compiler).
HEADERS = ["fcntl.h", "sched.h", "sys/mman.h", "sys/socket.h", "sys/quota.h", "sys/resource.h", "sys/timerfd.h",
           "sys/signalfd.h", "sys/epoll.h", "linux/netlink.h", "linux/icmp.h", "linux/kexec.h", "linux/falloc.h",
           "linux/mempolicy.h", "linux/kcmp.h", "linux/landlock.h", "linux/mount.h", "linux/memfd.h", "linux/sched.h",
           "linux/qrtr.h", "linux/io_uring.h", "linux/openat2.h", "linux/dqblk_xfs.h", "dirent.h", "linux/close_range.h", "linux/keyctl.h", "linux/bpf.h"]
ENUM_START = {"landlock_rule_types": 1}
ALIASES = {"O_CLOEXEC": 0o2000000, "O_NONBLOCK": 0o4000}


def value(expr):
    e = expr.strip()
    if e in ALIASES:
        return ALIASES[e]
    e = re.sub(r"(?<=[0-9a-fA-F])[UL]+\b", "", e)
    e = re.sub(r"\b0([0-7]+)\b", r"0o\1", e)
    if not re.fullmatch(r"[0-9a-fA-Fxo()<>|+\- ]+", e):
        return None
    try:
        return eval(e) & 0xFFFFFFFFFFFFFFFF
    except Exception:
        return None


def c_values(names):
    """Values of constants from the system headers, through the C compiler; absent ones left out."""
    import subprocess, tempfile
    prog = "".join(f"#include <{h}>\n" for h in HEADERS) + "#include <stdio.h>\nint main(void) {\n"
    for n in names:
        prog += f'#ifdef {n}\nprintf("{n} %llu\\n", (unsigned long long)({n}));\n#endif\n'
    prog += "return 0; }\n"
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "x.c"), "w").write(prog)
        subprocess.run(["cc", "-D_GNU_SOURCE", "-o", os.path.join(d, "x"), os.path.join(d, "x.c")], check=True)
        out = subprocess.run([os.path.join(d, "x")], capture_output=True, text=True, check=True).stdout
    return {l.split()[0]: int(l.split()[1]) for l in out.splitlines()}


def swift_name(f):
    parts = f.split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


print("// Generated by Benchmarks/strace-suite/gen-xlat.py from strace 6.1's src/xlat/*.in; do not edit.")
print("/// strace's constant tables (value, name), in strace's order, for the decoders in Flags+Suite.swift.")
print("enum StraceXlat {")
for f in TABLES:
    path = os.path.join(SRC, "src/xlat", f + ".in")
    if not os.path.exists(path):
        print(f"    // {f}: absent", file=sys.stderr)
        continue
    pairs, missing = [], []
    # A #value_indexed table lists enum constants (no #define to read back) in value order from 0.
    indexed = any(l.strip() == "#value_indexed" for l in open(path))
    # #if/#elif/#else on other architectures' defines: keep the x86 branch (no such define holds).
    stack = []  # (this branch taken, some branch taken)
    for line in open(path):
        line = line.split("/*")[0].strip()
        cond = re.match(r"#(ifdef|ifndef|if|elif|else|endif)\b(.*)", line)
        if cond:
            kind, expr = cond.group(1), cond.group(2).strip()
            # Other architectures' defines (__mips__…) do not hold on x86.
            holds = expr.startswith("!") or kind == "ifndef"
            kind = "if" if kind in ("ifdef", "ifndef") else kind
            if kind == "if":
                stack.append((holds, holds))
            elif kind == "elif":
                taken = stack[-1][1]
                stack[-1] = (holds and not taken, taken or holds)
            elif kind == "else":
                stack[-1] = (not stack[-1][1], True)
            else:
                stack.pop()
            continue
        if not line or line.startswith("#") or not all(t for t, _ in stack):
            continue
        m = re.match(r"(\w+)(?:\s+(.+))?$", line)
        if not m:
            continue
        v = value(m.group(2)) if m.group(2) else None
        pairs.append((v, m.group(1)))
    known = c_values([n for v, n in pairs if v is None])
    if indexed:
        # enum constants (no #define): each is the one before plus 1, from 0 (or ENUM_START's value).
        prev = ENUM_START.get(f, 0) - 1
        for k, (v, n) in enumerate(pairs):
            v = v if v is not None else known.get(n, prev + 1)
            pairs[k], prev = (v, n), v
    missing = [n for v, n in pairs if v is None and n not in known]
    pairs = [(v if v is not None else known[n], n) for v, n in pairs if v is not None or n in known]
    if missing:
        print(f"{f}: no value for {missing}", file=sys.stderr)
    body = ", ".join(f'(0x{v:x}, "{n}")' for v, n in pairs)
    print(f"    static let {swift_name(f)}: [(UInt64, String)] = [{body}]")
print("}")
