#!/usr/bin/env bash
# What the kernel-stack model costs a trace, measured side by side in one run (medians of RUNS):
#  1. N write(2) calls: bare, strace -f, stackcross trace (model checks at every stop),
#     stackcross trace --kernel-stack (plus /proc/TID/stack at every stop and its checks).
#  2. N caught signals: stackcross trace with the single step into each handler (default)
#     against --no-handler-step, and strace -f.
# Usage: Benchmarks/model-overhead.sh [RUNS=7] [WRITES=20000] [SIGNALS=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
WRITES=${2:-20000}
SIGNALS=${3:-2000}
. Benchmarks/lib.sh
gcc -O0 -o "$WORK/writes" Fixtures/trace_writes.c
gcc -O0 -o "$WORK/sigloop" Fixtures/model_signal_loop.c

time_ms() {
    local t0=$EPOCHREALTIME
    "$@" > /dev/null 2>&1
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

W=(bare strace sc sck)
S=(sstrace ssc ssc0)
for k in "${W[@]}" "${S[@]}"; do : > "$WORK/$k"; done
for _ in $(seq "$RUNS"); do
    time_ms "$WORK/writes" "$WRITES" >> "$WORK/bare"
    time_ms strace -f -o /dev/null "$WORK/writes" "$WRITES" >> "$WORK/strace"
    time_ms "$BIN" trace -o /dev/null -- "$WORK/writes" "$WRITES" >> "$WORK/sc"
    time_ms "$BIN" trace --kernel-stack -o /dev/null -- "$WORK/writes" "$WRITES" >> "$WORK/sck"
    time_ms strace -f -o /dev/null "$WORK/sigloop" "$SIGNALS" >> "$WORK/sstrace"
    time_ms "$BIN" trace -o /dev/null -- "$WORK/sigloop" "$SIGNALS" >> "$WORK/ssc"
    time_ms "$BIN" trace --no-handler-step -o /dev/null -- "$WORK/sigloop" "$SIGNALS" >> "$WORK/ssc0"
done
BARE=$(median < "$WORK/bare"); ST=$(median < "$WORK/strace"); SC=$(median < "$WORK/sc"); SCK=$(median < "$WORK/sck")
echo "$WRITES write(2) calls, $RUNS runs each (median ms):"
echo "  bare                                  $BARE"
echo "  strace -f -o /dev/null                $ST"
echo "  stackcross trace -o /dev/null         $SC   ($(ratio "$SC" "$ST") strace; model checks at every stop)"
echo "  stackcross trace --kernel-stack       $SCK   ($(ratio "$SCK" "$SC") plain trace; /proc/TID/stack at every stop)"
SST=$(median < "$WORK/sstrace"); SSC=$(median < "$WORK/ssc"); SSC0=$(median < "$WORK/ssc0")
echo "$SIGNALS caught signals (median ms):"
echo "  strace -f -o /dev/null                $SST"
echo "  stackcross trace --no-handler-step    $SSC0   ($(ratio "$SSC0" "$SST") strace)"
echo "  stackcross trace (step into handler)  $SSC   ($(ratio "$SSC" "$SSC0") without the step)"
