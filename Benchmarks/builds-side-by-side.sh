#!/usr/bin/env bash
# Two stackcross builds (OLD, NEW: paths to release binaries) against their peers, alternating in one
# run, on the three benchmark workloads: trace -f -o of N writes (vs strace -f -o), trace -f --stack
# of the 5-frame chain (vs strace -f -k), attach --json of a 31-thread process (vs eu-stack -p).
# Prints medians and each build's ratio to its peer, so a refactoring can show "no regression".
# Every traced command is pinned to one CPU (PIN=0 turns that off). Outputs go to tmpfs (/dev/shm) and are
# removed after each run: on disk, a run that follows a 400 MB write pays for its writeback (measured: the
# second of two identical builds took 2x the sys time), which would bias whichever build runs second.
# Usage: Benchmarks/builds-side-by-side.sh OLD NEW [ROUNDS=7] [N=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 ROUNDS=${3:-7} N=${4:-100000}
WORK=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/sc-bench-ab.XXXXXX")
trap 'kill "$FIXTURE" 2>/dev/null || true; rm -rf "$WORK"' EXIT
gcc -O2 -o "$WORK/writes" Fixtures/trace_writes.c
gcc -g -O0 -fno-omit-frame-pointer -o "$WORK/stack_chain" Fixtures/stack_chain.c
gcc -g -O0 -fno-omit-frame-pointer -pthread -o "$WORK/many_threads" Fixtures/many_threads.c
PIN=${PIN:-1}
CPU=${CPU:-$(( $(nproc) - 1 ))}
# ms FILE CMD...: appends CMD's wall time (ms) to FILE and its CPU time, user+sys of it and its children
# (ms), to FILE.cpu. Pinned, the wall time is the sum of every thread's CPU; the CPU time is steadier
# when the machine is shared.
ms() {
    local out=$1; shift
    local t0=$EPOCHREALTIME
    if [ "$PIN" = 1 ]; then set -- taskset -c "$CPU" "$@"; fi
    /usr/bin/time -f "%U %S" -o "$WORK/cpu" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >> "$out"
    awk '{ printf "%.1f\n", ($1 + $2) * 1000 }' "$WORK/cpu" >> "$out.cpu"
    rm -f "$WORK"/*.out
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
"$WORK/many_threads" 30 600 > "$WORK/ready" &
FIXTURE=$!
for _ in $(seq 100); do grep -q READY "$WORK/ready" && break; sleep 0.05; done

for _ in $(seq "$ROUNDS"); do
    for b in old new; do
        bin=$OLD; [ $b = new ] && bin=$NEW
        ms "$WORK/trace.$b" "$bin" trace -f -o "$WORK/$b.out" -- "$WORK/writes" "$N"
        ms "$WORK/tracenc.$b" "$bin" trace -f --no-crossings -o "$WORK/$b.nc.out" -- "$WORK/writes" "$N"
        ms "$WORK/stack.$b" "$bin" trace -f --stack -o "$WORK/$b.k.out" -- "$WORK/stack_chain" 3000
        PIN=0 ms "$WORK/attach.$b" "$bin" attach --json "$FIXTURE"
    done
    ms "$WORK/trace.peer" strace -f -o "$WORK/st.out" "$WORK/writes" "$N"
    ms "$WORK/stack.peer" strace -f -k -o "$WORK/stk.out" "$WORK/stack_chain" 3000
    PIN=0 ms "$WORK/attach.peer" eu-stack -p "$FIXTURE"
done
printf "%-34s %10s %10s %10s %8s %8s\n" workload "old ms" "new ms" "peer ms" "old/peer" "new/peer"
for w in trace tracenc stack attach; do
    peer=$w; [ $w = tracenc ] && peer=trace
    name=$w
    case $w in
        trace) name="trace -f -o ($N writes) / strace";;
        tracenc) name="  --no-crossings / strace";;
        stack) name="trace --stack (3000) / strace -k";;
        attach) name="attach --json (31 thr) / eu-stack";;
    esac
    for kind in "" .cpu; do
        o=$(median < "$WORK/$w.old$kind"); n=$(median < "$WORK/$w.new$kind"); p=$(median < "$WORK/$peer.peer$kind")
        label=$name; [ -n "$kind" ] && label="  (CPU: user+sys)"
        printf "%-34s %10s %10s %10s %8s %8s\n" "$label" "$o" "$n" "$p" "$(ratio "$o" "$p")" "$(ratio "$n" "$p")"
    done
done
echo "($ROUNDS rounds alternating, medians; traced commands pinned to CPU $CPU: $PIN; attach unpinned)"
