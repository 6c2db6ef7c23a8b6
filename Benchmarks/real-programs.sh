#!/usr/bin/env bash
# Real programs under strace and stackcross: the identical-line rate per program (#15's ">= 99% of
# lines identical to strace -f -y"). Each program runs once under `strace -f -y -o A` and once under
# `stackcross trace -f -o B --output-format text`; Benchmarks/real-programs/compare.py normalises
# what differs between any two runs (pids, addresses, inodes, times; the strace-suite's
# normalisation) and counts the lines both traces hold (as multisets: concurrent tasks interleave
# differently from run to run). Rate = common lines / strace's lines; ROUNDS runs of each (default 3),
# the median round shown with the lowest rate.
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
ROUNDS=${ROUNDS:-3}
echo "($ROUNDS rounds per program; lines and common lines of the median round; the lowest rate)"
printf '%-10s %8s %8s %8s %9s %9s\n' program strace stackcross common identical lowest
for entry in "${PROGRAMS[@]}"; do
    name=${entry%%|*}; cmd=${entry#*|}
    if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $name "* ]]; then continue; fi
    : >"$WORK/$name.rounds"
    for _ in $(seq "$ROUNDS"); do
        # Each run starts from the same files (gcc's and tar's outputs gone).
        rm -f "$WORK/tiny" "$WORK/t.tar"
        eval "strace -f -y -o '$WORK/$name.strace' -- $cmd" >/dev/null 2>&1 || true
        rm -f "$WORK/tiny" "$WORK/t.tar"
        eval "'$SC' trace -f -o '$WORK/$name.sc' --output-format text -- $cmd" >/dev/null 2>&1 || true
        python3 Benchmarks/real-programs/compare.py "$WORK/$name.strace" "$WORK/$name.sc" --show "$SHOW" >>"$WORK/$name.rounds"
    done
    # Children's exits race with their parents' waits (WNOHANG or not, SIGCHLD's place): rounds differ.
    awk '{ print ($2 ? $1 / $2 : 0), $0 }' "$WORK/$name.rounds" | sort -k1,1g | cut -d" " -f2- |
        awk -v n="$name" '{ s[NR] = $1; a[NR] = $2; b[NR] = $3; r = $2 ? 100 * $1 / $2 : 0; if (NR == 1 || r < low) low = r }
        END { m = int((NR + 1) / 2); printf "%-10s %8d %8d %8d %8.1f%% %8.1f%%\n", n, a[m], b[m], s[m], a[m] ? 100 * s[m] / a[m] : 0, low }'
done
