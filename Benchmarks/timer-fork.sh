#!/usr/bin/env bash
# A fast timer against the handler step (#12): Fixtures/timer_fork (SIGALRM every 200 µs, 100 forks)
# under strace -f, stackcross trace -f -o FILE (the default: single step into the handler, bounded),
# --no-handler-step and --no-crossings (no model: no step either). Alternating runs, medians and the ratio to strace.
# Usage: Benchmarks/timer-fork.sh [RUNS=11]
# BASE=path/to/other/stackcross adds its three modes to the same alternating runs (before and after, side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-11}
. Benchmarks/lib.sh
gcc -O0 -o "$WORK/timer_fork" Fixtures/timer_fork.c

time_ms() {
    local t0=$EPOCHREALTIME
    timeout 60 "$@" > /dev/null 2>&1 || echo "failed: $*" >&2
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

BASE=${BASE:-}
for k in bare strace sc sc0 scn bsc bsc0 bscn; do : > "$WORK/$k"; done
for _ in $(seq "$RUNS"); do
    time_ms "$WORK/timer_fork" >> "$WORK/bare"
    time_ms strace -f -o /dev/null "$WORK/timer_fork" >> "$WORK/strace"
    time_ms "$BIN" trace -f -o "$WORK/t.jsonl" -- "$WORK/timer_fork" >> "$WORK/sc"
    time_ms "$BIN" trace -f --no-handler-step -o "$WORK/t0.jsonl" -- "$WORK/timer_fork" >> "$WORK/sc0"
    time_ms "$BIN" trace -f --no-crossings -o "$WORK/tn.jsonl" -- "$WORK/timer_fork" >> "$WORK/scn"
    if [ -n "$BASE" ]; then
        time_ms "$BASE" trace -f -o "$WORK/b.jsonl" -- "$WORK/timer_fork" >> "$WORK/bsc"
        time_ms "$BASE" trace -f --no-handler-step -o "$WORK/b0.jsonl" -- "$WORK/timer_fork" >> "$WORK/bsc0"
        time_ms "$BASE" trace -f --no-crossings -o "$WORK/bn.jsonl" -- "$WORK/timer_fork" >> "$WORK/bscn"
    fi
done
ST=$(median < "$WORK/strace"); SC=$(median < "$WORK/sc"); SC0=$(median < "$WORK/sc0"); SCN=$(median < "$WORK/scn")
echo "timer_fork (SIGALRM every 200 µs, 100 forks), $RUNS runs each (median ms):"
echo "  bare                                   $(median < "$WORK/bare")"
echo "  strace -f -o /dev/null                 $ST"
echo "  stackcross trace -f -o FILE            $SC  ($(ratio "$SC" "$ST") strace)"
echo "  stackcross trace -f --no-handler-step  $SC0  ($(ratio "$SC0" "$ST") strace)"
echo "  stackcross trace -f --no-crossings     $SCN  ($(ratio "$SCN" "$ST") strace)"
if [ -n "$BASE" ]; then
    B=$(median < "$WORK/bsc"); B0=$(median < "$WORK/bsc0"); BN=$(median < "$WORK/bscn")
    echo "  BASE trace -f -o FILE                  $B  ($(ratio "$B" "$ST") strace)"
    echo "  BASE trace -f --no-handler-step        $B0  ($(ratio "$B0" "$ST") strace)"
    echo "  BASE trace -f --no-crossings           $BN  ($(ratio "$BN" "$ST") strace)"
fi
echo "  forks recorded (last default run)      $(grep -c '"kind":"fork"' "$WORK/t.jsonl")"
echo "  SIGALRMs stepped / not (last run)      $(grep -c '"handlerStepped":true' "$WORK/t.jsonl") / $(grep -c '"handlerStepped":false' "$WORK/t.jsonl")"
