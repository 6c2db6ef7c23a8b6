#!/usr/bin/env bash
# Syscall tracing cost: stackcross trace vs strace vs a bare PTRACE_SYSCALL+GETREGS loop (the floor),
# and vs that loop plus the work a tracer keeping the record contract cannot skip (reading write's data,
# writing both register sets in hex: `ptrace-floor -o`, the record floor).
# A fixture makes N write(2) calls to /dev/null; each tracer writes every event to a file.
# Runs alternate in one run; prints median wall times and ratios. Then: a seccomp-filtered trace of
# a syscall never made (vs strace --seccomp-bpf), and the tracer's peak RSS over 1M syscalls.
# Every command runs pinned to one CPU (PIN=0 turns that off): tracer and tracee then hand off on
# one core, and the numbers measure the tracer's own cost. Unpinned, each ptrace stop is a cross-core
# wake-up whose cost depends on idle states and on other load, and runs vary by 2-3x.
# Usage: Benchmarks/trace-vs-strace.sh [N=100000] [ROUNDS=7]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
N=${1:-100000}
ROUNDS=${2:-7}
SCRATCH=${SCRATCH:-.build}
WORK=$(mktemp -d /tmp/sc-bench-trace.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

swift build -c release --scratch-path "$SCRATCH" >/dev/null
SC="$SCRATCH/release/stackcross"
gcc -O2 -o "$WORK/writes" Fixtures/trace_writes.c
gcc -O2 -o "$WORK/floor" Benchmarks/ptrace-floor.c

now() { date +%s%N; }
# time_cmd CMD...: prints elapsed ms of one run (stdout/stderr of the run discarded).
PIN=${PIN:-1}
CPU=${CPU:-$(( $(nproc) - 1 ))}
time_cmd() {
    local t0 t1
    t0=$(now)
    if [ "$PIN" = 1 ]; then set -- taskset -c "$CPU" "$@"; fi
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(now)
    echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

echo "== $N write() calls, $ROUNDS rounds, alternating (ms, median; pinned to CPU $CPU: $PIN)"
: >"$WORK/sc" ; : >"$WORK/scn"; : >"$WORK/st" ; : >"$WORK/fl"; : >"$WORK/flr"; : >"$WORK/bare"
for _ in $(seq "$ROUNDS"); do
    # Each tool writes a new file: truncating the last run's 400 MB would bill freeing its page cache to the next run.
    rm -f "$WORK"/*.jsonl "$WORK"/*.txt
    time_cmd "$SC" trace -f -o "$WORK/sc.jsonl" -- "$WORK/writes" "$N" >>"$WORK/sc"
    time_cmd "$SC" trace -f --no-crossings -o "$WORK/scn.jsonl" -- "$WORK/writes" "$N" >>"$WORK/scn"
    time_cmd strace -f -o "$WORK/st.txt" "$WORK/writes" "$N" >>"$WORK/st"
    time_cmd "$WORK/floor" "$WORK/writes" "$N" >>"$WORK/fl"
    time_cmd "$WORK/floor" -o "$WORK/flr.txt" "$WORK/writes" "$N" >>"$WORK/flr"
    time_cmd "$WORK/writes" "$N" >>"$WORK/bare"
done
SCM=$(median <"$WORK/sc"); SCN=$(median <"$WORK/scn"); STM=$(median <"$WORK/st"); FLM=$(median <"$WORK/fl"); FRM=$(median <"$WORK/flr"); BM=$(median <"$WORK/bare")
printf "%-42s %8s ms\n" "untraced" "$BM" "ptrace floor (C)" "$FLM" \
    "record floor (C, ptrace-floor -o)" "$FRM" "strace -f -o" "$STM" \
    "stackcross trace -f -o (with crossings)" "$SCM" "stackcross trace -f --no-crossings -o" "$SCN"
echo "stackcross / strace: $(ratio "$SCM" "$STM") with crossings, $(ratio "$SCN" "$STM") without   (target <= 1.0)"
echo "stackcross / floor:  $(ratio "$SCM" "$FLM") with crossings, $(ratio "$SCN" "$FLM") without   (target <= 1.15)"
echo "record floor: $(ratio "$FRM" "$FLM") x floor, $(ratio "$FRM" "$STM") x strace; stackcross / record floor: $(ratio "$SCM" "$FRM") with crossings, $(ratio "$SCN" "$FRM") without"
echo "records: $(wc -l <"$WORK/sc.jsonl") lines, $(du -h "$WORK/sc.jsonl" | cut -f1) with crossings, $(du -h "$WORK/scn.jsonl" | cut -f1) without; strace: $(wc -l <"$WORK/st.txt") lines"

echo
echo "== -e trace=reboot (never called) over $N writes: seccomp keeps them from stopping (ms, median)"
: >"$WORK/scf"; : >"$WORK/stf"
for _ in $(seq "$ROUNDS"); do
    time_cmd "$SC" trace -f -e trace=reboot -o "$WORK/scf.jsonl" -- "$WORK/writes" "$N" >>"$WORK/scf"
    time_cmd strace -f --seccomp-bpf -e trace=reboot -o "$WORK/stf.txt" "$WORK/writes" "$N" >>"$WORK/stf"
done
SCF=$(median <"$WORK/scf"); STF=$(median <"$WORK/stf")
printf "%-40s %8s ms\n" "strace -f --seccomp-bpf -e trace=reboot" "$STF" "stackcross trace -f -e trace=reboot" "$SCF"
echo "stackcross / strace --seccomp-bpf: $(ratio "$SCF" "$STF")   (target <= 1.2)"

echo
echo "== peak RSS tracing 1M syscalls (records to /dev/null)"
for flags in "" "--no-crossings"; do
    /usr/bin/time -v "$SC" trace -f $flags -o /dev/null -- "$WORK/writes" 1000000 2>"$WORK/time.txt" >/dev/null
    RSS=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time.txt")
    echo "stackcross trace -f ${flags:-(with crossings)}: peak RSS $((RSS / 1024)) MB   (target < 64 MB)"
done
