#!/usr/bin/env python3
"""Writes a synthetic stackcross trace of N syscall records (JSON Lines) to stdout: a few threads of
one process, every 7th call failing, every STACK_EVERY-th call (argv[2], default 1) with a 4-frame user
stack drawn from 64 distinct stacks, every 1000th record followed by a signal. For export memory/throughput tests: the exporter's memory
must not grow with N."""
import sys

def main():
    n = int(sys.argv[1])
    every = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = sys.stdout
    pid = 5000
    out.write('{"type":"exec","pid":5000,"tid":5000,"path":"/usr/bin/synthetic","timeNs":1000}\n')
    t = 10_000
    parts = []
    for i in range(n):
        tid = pid + (i % 4)
        t += 1500
        err = i % 7 == 3
        k = i % 64
        stack = ('[{"pc":"0x%x","symbol":"leaf%d","offset":4,"module":"/usr/bin/synthetic"},'
                 '{"pc":"0x401176","symbol":"work","offset":8,"module":"/usr/bin/synthetic","file":"s.c","line":%d},'
                 '{"pc":"0x7f0000001234","symbol":"__libc_start_call_main","offset":100,"module":"/usr/lib/libc.so.6"},'
                 '{"pc":"0x401020","symbol":"_start","module":"/usr/bin/synthetic"}]') % (0x401100 + k, k, k + 1)
        parts.append('{"type":"syscall","pid":%d,"tid":%d,"abi":"x86_64","nr":0,"name":"read","args":["3","\\"abc\\"","%d"],'
                     '"rawArgs":["0x3","0x5000","0x%x"],"ret":%d,%s"entryNs":%d,"exitNs":%d%s}\n'
                     % (pid, tid, i, i, -9 if err else 3, '"error":"EBADF",' if err else '', t, t + 700,
                        ',"userStack":' + stack if i % every == 0 else ''))
        if i % 1000 == 999:
            parts.append('{"type":"signal","pid":%d,"tid":%d,"signo":10,"name":"SIGUSR1","code":"SI_USER","timeNs":%d}\n' % (pid, tid, t + 800))
        if len(parts) >= 4096:
            out.write(''.join(parts)); parts.clear()
    out.write(''.join(parts))
    out.write('{"type":"exit","pid":5000,"tid":5000,"code":0,"timeNs":%d}\n' % (t + 10_000))

if __name__ == "__main__":
    main()
