#!/usr/bin/env bash
# `trace --otlp-endpoint` cost: the otlp_stream fixture making CALLS getppid calls, traced with
# `-o FILE` alone and with `-o FILE --otlp-endpoint` to a local receiver (Tests/ExportHelpers/
# otlp_tool.py, the official opentelemetry-proto decoder, answering at once), alternating, RUNS times
# each. Prints the median wall time, calls/s, and the spans the receiver got.
# Usage: Benchmarks/otlp-stream.sh [CALLS=100000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-100000}
RUNS=${2:-3}
. Benchmarks/lib.sh
gcc -O2 -o "$WORK/otlp_stream" Fixtures/otlp_stream.c
python3 Tests/ExportHelpers/otlp_tool.py serve "$WORK/port" ok "$WORK/got.jsonl" &
RECEIVER=$!
trap 'kill $RECEIVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -f "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")"

secs() { local t; t=$(date +%s.%N); "$@" > /dev/null 2>&1 < /dev/null || true; echo "$(date +%s.%N) - $t" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
: > "$WORK/file.t"; : > "$WORK/otlp.t"
for _ in $(seq "$RUNS"); do
    secs "$BIN" trace -o "$WORK/t.jsonl" -- "$WORK/otlp_stream" "$CALLS" 0 >> "$WORK/file.t"
    rm -f "$WORK/got.jsonl"
    secs "$BIN" trace -o "$WORK/t.jsonl" --otlp-endpoint "$URL" -- "$WORK/otlp_stream" "$CALLS" 0 >> "$WORK/otlp.t"
done
SPANS=$(grep -c '"name": "getppid"' "$WORK/got.jsonl" || true)
printf "%-22s %9s %10s\n" "" seconds calls/s
for k in file otlp; do
    S=$(median < "$WORK/$k.t")
    awk -v k="$k" -v s="$S" -v n="$CALLS" 'BEGIN { printf "%-22s %9.3f %10.0f\n", (k == "file" ? "-o FILE" : "-o FILE --otlp-endpoint"), s, n / s }'
done
echo "last run: the receiver got $SPANS of $CALLS getppid spans"
