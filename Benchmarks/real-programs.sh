#!/usr/bin/env bash
# Real programs under strace and stackcross: the identical-line rate per program (#15's ">= 99% of
# lines identical to strace -f -y"). Each program runs once under `strace -f -y -o A` and once under
# `stackcross trace -f -o B --output-format text`; Benchmarks/real-programs/compare.py normalises
# what differs between any two runs (pids, addresses, inodes, times; the strace-suite's
# normalisation) and counts the lines both traces hold (as multisets: concurrent tasks interleave
# differently from run to run). Rate = common lines / strace's lines.
# Usage: Benchmarks/real-programs.sh [--show N] [PROGRAM-NAME...]   (STACKCROSS=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
SHOW=0
if [ "${1:-}" = "--show" ]; then SHOW=$2; shift 2; fi
ONLY=" $* "
if [ -n "${STACKCROSS:-}" ]; then SC=$STACKCROSS; else
    PATH=/opt/swift/usr/bin:$PATH swift build -c release --product stackcross >&2
    SC=.build/release/stackcross
fi
SC=$(cd "$(dirname "$SC")" && pwd)/$(basename "$SC")
WORK=$(mktemp -d /tmp/sc-real.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
printf 'int main(void) { return 0; }\n' > "$WORK/tiny.c"
mkdir -p "$WORK/tree/a/b" && printf 'x\n' > "$WORK/tree/a/b/f" && printf 'y\n' > "$WORK/tree/g"
seq 1000 -1 1 > "$WORK/numbers"

# name|command (run by the tracer directly; its own stdout/stderr go to /dev/null)
PROGRAMS=(
    "cat|cat /etc/hostname /etc/os-release"
    "ls|ls -la /usr/share"
    "date|date"
    "find|find $WORK/tree -name f"
    "sort|sort -n $WORK/numbers"
    "dd|dd if=/dev/zero of=/dev/null bs=4k count=64 status=noxfer"
    "tar|tar -C $WORK -cf $WORK/t.tar tree"
    "python3|python3 -c 'print(sum(range(100)))'"
    "gcc|gcc -o $WORK/tiny $WORK/tiny.c"
    "pipeline|sh -c 'seq 200 | sort -r | head -3'"
)
printf '%-10s %8s %8s %8s %9s\n' program strace stackcross common identical
for entry in "${PROGRAMS[@]}"; do
    name=${entry%%|*}; cmd=${entry#*|}
    if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $name "* ]]; then continue; fi
    # Each run starts from the same files (gcc's and tar's outputs gone).
    rm -f "$WORK/tiny" "$WORK/t.tar"
    eval "strace -f -y -o '$WORK/$name.strace' -- $cmd" >/dev/null 2>&1 || true
    rm -f "$WORK/tiny" "$WORK/t.tar"
    eval "'$SC' trace -f -o '$WORK/$name.sc' --output-format text -- $cmd" >/dev/null 2>&1 || true
    read -r same a b < <(python3 Benchmarks/real-programs/compare.py "$WORK/$name.strace" "$WORK/$name.sc" --show "$SHOW")
    awk -v n="$name" -v s="$same" -v a="$a" -v b="$b" 'BEGIN { printf "%-10s %8d %8d %8d %8.1f%%\n", n, a, b, s, a ? 100 * s / a : 0 }'
done
