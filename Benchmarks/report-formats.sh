#!/usr/bin/env bash
# `stackcross report` on a real trace: records a fixture making CALLS write(2) calls with
# `stackcross trace -o` (entry/exit registers and the model's checks: ~3.6 KB a record), then
# reads it back in every format, alternating with the floor any JSON Lines reader pays (python3
# json.loads on every line, tallying names). Prints per format the median wall time, MB/s,
# peak RSS and output size, and the ratio to the python floor.
# Usage: Benchmarks/report-formats.sh [CALLS=100000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-100000}
RUNS=${2:-3}
. Benchmarks/lib.sh
gcc -g -O0 -fno-omit-frame-pointer -o "$WORK/trace_writes" Fixtures/trace_writes.c
"$BIN" trace -q -o "$WORK/t.jsonl" -- "$WORK/trace_writes" "$CALLS" 2> /dev/null
LINES=$(wc -l < "$WORK/t.jsonl")
BYTES=$(stat -c %s "$WORK/t.jsonl")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "trace: $LINES records, $MB MiB; $RUNS runs each, medians"

# Runs a command; prints "seconds peak_rss_kib" (python3 is its only parent, so RUSAGE_CHILDREN is exact).
measure() {
    python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
if r.returncode != 0: sys.exit("failed: %s" % " ".join(sys.argv[1:]))
print("%.3f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
EOF
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

cat > "$WORK/floor.py" <<'EOF'
import json, sys, collections
c = collections.Counter()
with open(sys.argv[1], "rb") as f:
    for line in f:
        c[json.loads(line).get("name")] += 1
print(len(c))
EOF

"$BIN" report "$WORK/t.jsonl" --format summary > /dev/null   # warm the page cache
: > "$WORK/floor"
for f in summary text folded flamegraph chrome html; do : > "$WORK/$f.t"; : > "$WORK/$f.m"; done
for _ in $(seq "$RUNS"); do
    measure python3 "$WORK/floor.py" "$WORK/t.jsonl" | awk '{print $1}' >> "$WORK/floor"
    for f in summary text folded flamegraph chrome html; do
        read -r s m < <(measure "$BIN" report "$WORK/t.jsonl" --format "$f" -o "$WORK/out.$f")
        echo "$s" >> "$WORK/$f.t"; echo "$m" >> "$WORK/$f.m"
    done
done
FLOOR=$(median < "$WORK/floor")
printf "%-11s %9s %9s %10s %12s %9s\n" format seconds "MiB/s" "peak RSS" "output" "× python"
printf "%-11s %9s %9s %10s %12s %9s\n" "python3" "$FLOOR" "$(awk -v b="$BYTES" -v s="$FLOOR" 'BEGIN{printf "%.1f", b/1048576/s}')" "-" "-" "1.00"
for f in summary text folded flamegraph chrome html; do
    S=$(median < "$WORK/$f.t")
    M=$(sort -n "$WORK/$f.m" | tail -1)
    printf "%-11s %9s %9s %7d MiB %12s %9s\n" "$f" "$S" "$(awk -v b="$BYTES" -v s="$S" 'BEGIN{printf "%.1f", b/1048576/s}')" \
        $((M / 1024)) "$(stat -c %s "$WORK/out.$f" | awk '{ if ($1 > 1048576) printf "%.1f MiB", $1/1048576; else printf "%.0f KiB", $1/1024 }')" \
        "$(awk -v a="$S" -v b="$FLOOR" 'BEGIN{printf "%.2f", a/b}')"
done
