#!/usr/bin/env bash
# Snapshot a 30-thread fixture with `stackcross attach --json` and with `eu-stack -p`, alternating
# in one run, and print the medians and their ratio (target: stackcross <= 1.0x eu-stack).
# Usage: Benchmarks/attach-vs-eu-stack.sh [RUNS=21] [THREADS=30]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-21}
THREADS=${2:-30}
. Benchmarks/lib.sh
trap 'kill "$FIXTURE" 2>/dev/null || true; rm -rf "$WORK"' EXIT
gcc -g -O0 -fno-omit-frame-pointer -pthread -o "$WORK/many_threads" Fixtures/many_threads.c
"$WORK/many_threads" "$THREADS" 600 > "$WORK/ready" &
FIXTURE=$!
for _ in $(seq 100); do grep -q READY "$WORK/ready" && break; sleep 0.05; done
grep -q READY "$WORK/ready" || { echo "fixture not ready" >&2; exit 1; }

# Wall time of one command in ms (bash's EPOCHREALTIME has microseconds); its CPU time (GNU time,
# user+sys, 10 ms resolution) goes to $WORK/$2.cpu.
time_ms() {
    local name=$1; shift
    local t0=$EPOCHREALTIME
    /usr/bin/time -f "%U %S" -o "$WORK/cpu1" "$@" > /dev/null
    local t1=$EPOCHREALTIME
    awk '{ printf "%.0f\n", ($1 + $2) * 1000 }' "$WORK/cpu1" >> "$WORK/$name.cpu"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }

"$BIN" attach --json "$FIXTURE" > "$WORK/snapshot.json"   # warm the page cache for both
eu-stack -p "$FIXTURE" > /dev/null
: > "$WORK/sc"; : > "$WORK/eu"
for _ in $(seq "$RUNS"); do
    time_ms sc "$BIN" attach --json "$FIXTURE" >> "$WORK/sc"
    time_ms eu eu-stack -p "$FIXTURE" >> "$WORK/eu"
done
SC=$(median < "$WORK/sc")
EU=$(median < "$WORK/eu")
FRAMES=$(grep -o '"pc"' "$WORK/snapshot.json" | wc -l)
echo "threads: $((THREADS + 1)), runs: $RUNS each, frames in one snapshot (user+kernel): $FRAMES"
echo "stackcross attach --json: median ${SC} ms"
echo "eu-stack -p:              median ${EU} ms"
awk -v a="$SC" -v b="$EU" 'BEGIN { printf "ratio stackcross/eu-stack: %.2fx (wall)\n", a / b }'
# CPU over all runs (each run's figure is too coarse alone).
awk -v n="$RUNS" '{ s += $1 } END { printf "stackcross CPU: %.1f ms a run\n", s / n }' "$WORK/sc.cpu"
awk -v n="$RUNS" '{ s += $1 } END { printf "eu-stack CPU:   %.1f ms a run\n", s / n }' "$WORK/eu.cpu"
