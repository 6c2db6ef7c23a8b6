#!/usr/bin/env bash
# `trace --stack` against `strace -f -k` and against `trace` without --stack, alternating in one
# run on Fixtures/stack_chain.c (COUNT writes through main → level1 → level2 → level3 → leaf),
# printing median wall times, ratios and peak RSS (targets: <= 0.2x strace -k, <= 1.3x no-stack).
# Every command runs pinned to one CPU (CPU=N picks it, PIN=0 turns that off): unpinned on an idle
# machine each ptrace stop waits for a core to wake from idle, and that latency, not the tracers, decides.
# Usage: Benchmarks/stack-vs-strace-k.sh [RUNS=7] [COUNT=3000]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
COUNT=${2:-3000}
. Benchmarks/lib.sh
gcc -g -O0 -fno-omit-frame-pointer -pthread -o "$WORK/stack_chain" Fixtures/stack_chain.c
FX="$WORK/stack_chain"

PIN=${PIN:-1}
CPU=${CPU:-$(( $(nproc) - 1 ))}
# Wall ms and max RSS KB of one command (GNU time), its output discarded.
measure() {
    local name=$1; shift
    if [ "$PIN" = 1 ]; then set -- taskset -c "$CPU" "$@"; fi
    local t0=$EPOCHREALTIME
    /usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$@" > /dev/null 2>&1
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >> "$WORK/$name.ms"
    awk '{ print $1 }' "$WORK/rss" >> "$WORK/$name.rss"
    awk '{ printf "%.0f\n", ($2 + $3) * 1000 }' "$WORK/rss" >> "$WORK/$name.cpu"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }

"$BIN" trace -f -o "$WORK/count.jsonl" -- "$FX" "$COUNT"
SYSCALLS=$(grep -c '"type":"syscall"' "$WORK/count.jsonl" || true)
for _ in $(seq "$RUNS"); do
    measure strace_k strace -f -k -o /dev/null "$FX" "$COUNT"
    measure stack "$BIN" trace -f --stack -- "$FX" "$COUNT"
    measure nostack "$BIN" trace -f -- "$FX" "$COUNT"
    measure stack_json "$BIN" trace -f --stack -o /dev/null -- "$FX" "$COUNT"
    measure nostack_json "$BIN" trace -f -o /dev/null -- "$FX" "$COUNT"
done
# Peak RSS must not grow with the length of the trace: ten times the calls.
measure long_stack "$BIN" trace -f --stack -o /dev/null -- "$FX" "$((COUNT * 10))"

S=$(median "$WORK/strace_k.ms"); K=$(median "$WORK/stack.ms"); N=$(median "$WORK/nostack.ms"); J=$(median "$WORK/stack_json.ms")
echo "fixture: $COUNT writes through a 5-frame chain (about ${SYSCALLS:-?} syscalls in all), $RUNS runs each (pinned to CPU $CPU: $PIN)"
row() { printf "%-46s %9s ms wall %7s ms cpu   max RSS %s KB\n" "$1" "$(median "$WORK/$2.ms")" "$(median "$WORK/$2.cpu")" "$(median "$WORK/$2.rss")"; }
row "strace -f -k" strace_k
row "stackcross trace -f --stack (text)" stack
row "stackcross trace -f --stack -o (JSON Lines)" stack_json
row "stackcross trace -f (no --stack, text)" nostack
row "stackcross trace -f -o (no --stack, JSON Lines)" nostack_json
row "stackcross trace -f --stack -o, $((COUNT * 10)) writes" long_stack
awk -v k="$K" -v s="$S" -v n="$N" -v kc="$(median "$WORK/stack.cpu")" -v nc="$(median "$WORK/nostack.cpu")" 'BEGIN {
    printf "ratio --stack / strace -f -k (wall):  %.2fx (target <= 0.2x)\n", k / s
    printf "ratio --stack / no --stack (wall):    %.2fx (target <= 1.3x)\n", k / n
    printf "ratio --stack / no --stack (cpu):     %.2fx\n", kc / nc }'
awk -v j="$J" -v n="$(median "$WORK/nostack_json.ms")" 'BEGIN { printf "ratio --stack / no --stack, JSON Lines (wall): %.2fx\n", j / n }'
