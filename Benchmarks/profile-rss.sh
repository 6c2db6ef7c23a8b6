#!/usr/bin/env bash
# Peak RSS of `stackcross profile` over a long run: a 100-thread fixture (one spinner, the others in
# nanosleep or on a condition variable at several depths) sampled at HZ for SECONDS. Prints the
# profiler's peak RSS (VmHWM, from /usr/bin/time -v's maximum resident set size), VmRSS sampled every
# 10 s (to see growth), and the samples written. Target: <= 64 MB for 600 s at 49 Hz on 100 threads.
# Usage: Benchmarks/profile-rss.sh [SECONDS=600] [HZ=49] [THREADS=100]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
HZ=${2:-49}
NTHREADS=${3:-100}
. Benchmarks/lib.sh
gcc -g -O0 -fno-omit-frame-pointer -pthread -o "$WORK/profile_wide" Fixtures/profile_wide.c
"$WORK/profile_wide" "$((SECS + 120))" "$NTHREADS" > "$WORK/ready" &
FIXTURE=$!
trap 'kill "$FIXTURE" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 200); do grep -q READY "$WORK/ready" && break; sleep 0.05; done
grep -q READY "$WORK/ready" || { echo "fixture did not start" >&2; exit 1; }
echo "fixture $FIXTURE: $(ls /proc/$FIXTURE/task | wc -l) threads; profiling at $HZ Hz for $SECS s"
/usr/bin/time -v -o "$WORK/time" "$BIN" profile "$FIXTURE" -F "$HZ" --duration "$SECS" -o "$WORK/p.jsonl" &
TIMER=$!
# VmRSS of the profiler every 10 s: flat means nothing grows per sample.
PROF=""
for _ in $(seq 100); do PROF=$(pgrep -P "$TIMER" || true); [ -n "$PROF" ] && break; sleep 0.05; done
while kill -0 "$TIMER" 2>/dev/null; do
    if [ -n "$PROF" ] && [ -r "/proc/$PROF/status" ]; then
        echo "t=$(ps -o etimes= -p "$PROF" 2>/dev/null | tr -d ' ')s $(grep -E '^(VmRSS|VmHWM)' "/proc/$PROF/status" 2>/dev/null | tr -s ' \t' ' ' | tr '\n' ' ')"
    fi
    sleep 10
done
wait "$TIMER" || { echo "stackcross profile failed:"; cat "$WORK/time"; exit 1; }
SAMPLES=$(grep -c '"type":"sample"' "$WORK/p.jsonl" || true)
STACKS=$(grep -c '"type":"stack"' "$WORK/p.jsonl" || true)
PEAK=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time")
echo "samples: $SAMPLES ($(awk -v s="$SAMPLES" -v t="$SECS" 'BEGIN{printf "%.0f", s/t}')/s), interned stacks: $STACKS, output: $(du -h "$WORK/p.jsonl" | cut -f1)"
echo "peak RSS: ${PEAK} KB ($(awk -v k="$PEAK" 'BEGIN{printf "%.1f", k/1024}') MB); target <= 64 MB"
grep -o '"stopsByState":{[^}]*}' "$WORK/p.jsonl" | sed 's/^/    /' || true
