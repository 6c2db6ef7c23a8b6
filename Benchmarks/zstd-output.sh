#!/usr/bin/env bash
# `trace -o FILE.zst` against `trace -o FILE`: wall time (median, alternating runs) and sizes on the
# N-write loop, pinned to one CPU (PIN=0 turns that off), and `report --format summary` on each.
# Usage: Benchmarks/zstd-output.sh [N=100000] [ROUNDS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
N=${1:-100000}
ROUNDS=${2:-5}
SCRATCH=${SCRATCH:-.build}
WORK=$(mktemp -d /tmp/sc-bench-zstd.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

swift build -c release --scratch-path "$SCRATCH" >/dev/null
SC="$SCRATCH/release/stackcross"
gcc -O2 -o "$WORK/writes" Fixtures/trace_writes.c

PIN=${PIN:-1}
CPU=${CPU:-$(( $(nproc) - 1 ))}
now() { date +%s%N; }
time_cmd() {
    local t0 t1
    t0=$(now)
    if [ "$PIN" = 1 ]; then set -- taskset -c "$CPU" "$@"; fi
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(now)
    echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: >"$WORK/p"; : >"$WORK/z"; : >"$WORK/rp"; : >"$WORK/rz"
for _ in $(seq "$ROUNDS"); do
    rm -f "$WORK"/t.jsonl "$WORK"/t.jsonl.zst
    time_cmd "$SC" trace -f -o "$WORK/t.jsonl" -- "$WORK/writes" "$N" >>"$WORK/p"
    time_cmd "$SC" trace -f -o "$WORK/t.jsonl.zst" -- "$WORK/writes" "$N" >>"$WORK/z"
    time_cmd "$SC" report --format summary "$WORK/t.jsonl" >>"$WORK/rp"
    time_cmd "$SC" report --format summary "$WORK/t.jsonl.zst" >>"$WORK/rz"
done
P=$(median <"$WORK/p"); Z=$(median <"$WORK/z"); RP=$(median <"$WORK/rp"); RZ=$(median <"$WORK/rz")
SP=$(stat -c %s "$WORK/t.jsonl"); SZ=$(stat -c %s "$WORK/t.jsonl.zst")
echo "== $N writes, $ROUNDS rounds, medians (pinned to CPU $CPU: $PIN)"
echo "trace -f -o t.jsonl:     $P ms, $SP bytes"
echo "trace -f -o t.jsonl.zst: $Z ms, $SZ bytes"
awk -v p="$P" -v z="$Z" -v sp="$SP" -v sz="$SZ" 'BEGIN {printf "zstd: %.1fx smaller, %.2fx the time\n", sp/sz, z/p}'
echo "report --format summary: $RP ms plain, $RZ ms .zst"
