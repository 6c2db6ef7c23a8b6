#!/usr/bin/env python3
"""Identical-line rate of two strace-style traces of one program run (strace -f -y -o A,
stackcross trace -f -o B --output-format text), after normalising what differs between any two
runs: pids, addresses, inode numbers, times, sizes of files that change, and ` = ` padding
(as Benchmarks/strace-suite/run.py normalises lines). Lines are matched as multisets (ordering of
concurrent tasks differs between runs). Usage: compare.py A B [--show N]"""
import collections
import re
import sys

# As Benchmarks/strace-suite/run.py's normalise(): no `[pid N] ` prefix, ` = ` padding squeezed.
PID_PREFIX = re.compile(r"^(?:\[pid\s+\d+\]|\d+)\s+")


def normalise(line):
    return re.sub(r"\)\s+= ", ") = ", PID_PREFIX.sub("", line.rstrip("\n")))


SUBS = [
    (re.compile(r"0x[0-9a-f]{5,}"), "0xADDR"),                     # addresses, pointers
    (re.compile(r"\b(pipe|socket|anon_inode:\[[a-z]+\]|UNIX|TCP|UDP):\[\d+\]"), r"\1:[INODE]"),
    (re.compile(r"\b(si_pid|si_uid|si_utime|si_stime|st_ino|st_atime|st_mtime|st_ctime|tv_sec|tv_nsec)=[\d.]+"), r"\1=N"),
    (re.compile(r"(st_(?:a|m|c)time(?:_nsec)?=)\S+?(?=[,}])"), r"\1T"),
    (re.compile(r"/\* \d{4}-\d\d-\d\dT[\d:.+-]+ \*/"), "/* TIME */"),
    (re.compile(r"(clone3?\(.*\)|fork\(\)|vfork\(\)|wait4\(.*\)|getpid\(\)|gettid\(\)|getppid\(\)|set_tid_address\(.*\)) = \d+"), r"\1 = PID"),
    (re.compile(r"(wait4|kill|tgkill|tkill|getpgid|setpgid|prlimit64|sched_\w+)\(\d+"), r"\1(PID"),
    (re.compile(r"Process \d+"), "Process PID"),
    (re.compile(r"/tmp/sc-real\.\w+"), "/tmp/WORK"),
    (re.compile(r'^getrandom\("(?:[^"\\]|\\.)*"'), 'getrandom("RANDOM"'),    # random bytes
    (re.compile(r"/tmp/cc[A-Za-z0-9]{6}\."), "/tmp/ccTEMP."),                        # gcc's temporary files
    (re.compile(r"^(rt_sigreturn\(.*\)) = \d+"), r"\1 = N"),                       # the interrupted call's value
    (re.compile(r"^sysinfo\(\{.*\}\)"), "sysinfo({SYSINFO})"),                   # the machine's state now
    (re.compile(r"\b(stackcross|strace): "), "TRACER: "),
]


def norm(line):
    line = normalise(line)
    for pat, rep in SUBS:
        line = pat.sub(rep, line)
    return line


PREFIX = re.compile(r"^(?:\[pid\s+(\d+)\]|(\d+)) +")
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>")


def joined(raw):
    """Calls split by other tasks' lines (`<unfinished ...>` / `<... resumed>`) joined again: where
    the split falls depends on timing, not on the tracer."""
    pending, out = {}, []
    for line in raw:
        line = line.rstrip("\n")
        m = PREFIX.match(line)
        pid = (m.group(1) or m.group(2)) if m else None
        body = line[m.end():] if m else line
        if body.endswith(" <unfinished ...>"):
            pending[pid] = body[: -len(" <unfinished ...>")]
            continue
        r = RESUMED.match(body)
        if r:
            key = pid if pid in pending else next((k for k, v in pending.items() if v.startswith(r.group(1) + "(")), pid)
            if key in pending:
                body = pending.pop(key) + body[r.end():]
        out.append(body)
    return out + [v + " <unfinished ...>" for v in pending.values()]


def lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [norm(l) for l in joined(f) if l.strip()]


def main():
    a, b = lines(sys.argv[1]), lines(sys.argv[2])
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
    ca, cb = collections.Counter(a), collections.Counter(b)
    same = sum((ca & cb).values())
    print(f"{same} {len(a)} {len(b)}")
    if show:
        only_a = list((ca - cb).elements())[:show]
        only_b = list((cb - ca).elements())[:show]
        for l in only_a:
            print("strace only:     " + l, file=sys.stderr)
        for l in only_b:
            print("stackcross only: " + l, file=sys.stderr)


if __name__ == "__main__":
    main()
