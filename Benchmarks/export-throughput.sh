#!/usr/bin/env bash
# Export throughput: `stackcross report` of one synthetic trace (Tests/ExportHelpers/gen_trace.py:
# RECORDS syscall records of 4 threads, each with a 4-frame user stack, a signal every 1000) to
# otlp, perfetto and chrome, alternating, RUNS times each. Prints per format the median wall time,
# records/s, peak RSS and output size. (chrome writes at most 50000 slices per thread and counts
# the rest; otlp and perfetto write every record.)
# Usage: Benchmarks/export-throughput.sh [RECORDS=200000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-200000}
RUNS=${2:-3}
. Benchmarks/lib.sh
python3 Tests/ExportHelpers/gen_trace.py "$RECORDS" > "$WORK/t.jsonl"
MB=$(awk -v b="$(stat -c %s "$WORK/t.jsonl")" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "trace: $RECORDS syscall records, $MB MiB; $RUNS runs each, medians"

# Runs a command; prints "seconds peak_rss_kib" (python3 is its only parent, so RUSAGE_CHILDREN is exact).
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
if r.returncode != 0: sys.exit("failed: %s" % " ".join(sys.argv[1:]))
print("%.3f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

FORMATS="otlp perfetto chrome"
for f in $FORMATS; do : > "$WORK/$f.t"; : > "$WORK/$f.rss"; done
for _ in $(seq "$RUNS"); do
    for f in $FORMATS; do
        read -r s kb < <(measure "$BIN" report "$WORK/t.jsonl" --format "$f" -o "$WORK/out.$f")
        echo "$s" >> "$WORK/$f.t"; echo "$kb" >> "$WORK/$f.rss"
    done
done
printf "%-9s %9s %12s %9s %10s\n" format seconds records/s "RSS MiB" "out MiB"
for f in $FORMATS; do
    S=$(median < "$WORK/$f.t")
    RSS=$(sort -n "$WORK/$f.rss" | tail -1)
    OUT=$(stat -c %s "$WORK/out.$f")
    awk -v f="$f" -v s="$S" -v n="$RECORDS" -v r="$RSS" -v o="$OUT" \
        'BEGIN { printf "%-9s %9.3f %12.0f %9.1f %10.1f\n", f, s, n / s, r / 1024, o / 1048576 }'
done
