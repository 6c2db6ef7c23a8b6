#!/usr/bin/env bash
# `stackcross report` of two builds (OLD, NEW: paths to release binaries), alternating in one run. Each
# build first records its own trace of the N-write fixture (`trace -o`, so each reads the schema it
# writes), then renders it in each FORMAT (default: html text summary) ROUNDS times. Prints per format
# the median wall seconds and the median peak RSS (/usr/bin/time -v) of each build, and new/old ratios.
# The traces and views live in tmpfs (/dev/shm) and are removed on exit.
# Usage: Benchmarks/report-side-by-side.sh OLD NEW [ROUNDS=5] [N=100000] [FORMAT...]
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 ROUNDS=${3:-5} N=${4:-100000}
shift $(( $# < 4 ? $# : 4 ))
FORMATS=("$@")
[ ${#FORMATS[@]} -gt 0 ] || FORMATS=(html text summary)
WORK=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/sc-report-ab.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -o "$WORK/writes" Fixtures/trace_writes.c
"$OLD" trace -q -o "$WORK/old.jsonl" -- "$WORK/writes" "$N" > /dev/null 2>&1
"$NEW" trace -q -o "$WORK/new.jsonl" -- "$WORK/writes" "$N" > /dev/null 2>&1
echo "traces: old $(wc -l < "$WORK/old.jsonl") lines $(stat -c %s "$WORK/old.jsonl") B, new $(wc -l < "$WORK/new.jsonl") lines $(stat -c %s "$WORK/new.jsonl") B"

# Appends "seconds peak_kib" of one report to WORK/FORMAT.BUILD.
run() {
    local b=$1 f=$2 bin=$OLD
    [ "$b" = new ] && bin=$NEW
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$bin" report "$WORK/$b.jsonl" --format "$f" -o "$WORK/view" \
        || { echo "failed: $bin report --format $f" >&2; exit 1; }
    cat "$WORK/time" >> "$WORK/$f.$b"
    rm -f "$WORK/view"
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
for _ in $(seq "$ROUNDS"); do
    for f in "${FORMATS[@]}"; do
        run old "$f"
        run new "$f"
    done
done
printf "%-10s %8s %8s %7s %10s %10s %7s\n" format "old s" "new s" new/old "old MiB" "new MiB" new/old
for f in "${FORMATS[@]}"; do
    ot=$(cut -d' ' -f1 < "$WORK/$f.old" | median); nt=$(cut -d' ' -f1 < "$WORK/$f.new" | median)
    om=$(awk '{print $2/1024}' "$WORK/$f.old" | median); nm=$(awk '{print $2/1024}' "$WORK/$f.new" | median)
    printf "%-10s %8s %8s %7s %10s %10s %7s\n" "$f" "$ot" "$nt" "$(awk -v a="$nt" -v b="$ot" 'BEGIN{printf "%.2f", a/b}')" \
        "$om" "$nm" "$(awk -v a="$nm" -v b="$om" 'BEGIN{printf "%.2f", a/b}')"
done
echo "($ROUNDS rounds alternating, medians of wall time and peak RSS; N=$N writes)"
