#!/usr/bin/env bash
# The profile fixture (1 spinner, 1 sleeper, 20 condition-variable waiters) sampled at one rate by
# `stackcross profile`, by eu-stack in a loop and by `perf record -g --call-graph dwarf`, one after
# the other in one run, with untraced phases around them. Prints per phase: the spinner's work rate
# against untraced, samples per second delivered, and the profiler's peak RSS.
# Usage: Benchmarks/profile-vs-peers.sh [SECONDS=4] [HZ=49]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-4}
HZ=${2:-49}
. Benchmarks/lib.sh
gcc -g -O0 -fno-omit-frame-pointer -pthread -o "$WORK/profile_mix" Fixtures/profile_mix.c
"$WORK/profile_mix" 600 rate > "$WORK/rates" &
FIXTURE=$!
trap 'kill "$FIXTURE" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q READY "$WORK/rates" && break; sleep 0.05; done
THREADS=$(ls /proc/$FIXTURE/task | wc -l)

# Median spinner rate over the RATE lines printed during the last phase.
phase_rate() { tail -n +"$1" "$WORK/rates" | awk '/^RATE/ {print $2}' | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : 0)}'; }
mark() { wc -l < "$WORK/rates"; }

run_phase() {  # name, command...; sets RATE, RSS (a shell function runs as it is: no RSS)
    local name=$1; shift
    local m; m=$(mark)
    if [ "$(type -t "$1")" = function ]; then
        "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || true
        RSS=-
    else
        /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || true
        RSS="$(tail -1 "$WORK/$name.rss")KB"
    fi
    RATE=$(phase_rate $((m + 2)))
}

untraced() { sleep "$SECS"; }
eu_loop() {
    local end=$((SECONDS + SECS)) n=0
    while [ $SECONDS -lt $end ]; do eu-stack -p "$FIXTURE" > /dev/null 2>&1 || true; n=$((n + 1)); sleep "$(awk -v h="$HZ" 'BEGIN{print 1/h}')"; done
    echo "$n"
}

run_phase untraced0 untraced; BASE=$RATE
printf "%-22s %12s %10s %14s %10s\n" phase spinner-rate vs-untraced samples/s peak-RSS
printf "%-22s %12s %10s %14s %10s\n" untraced "$BASE" 1.00 - -
run_phase stackcross "$BIN" profile "$FIXTURE" -F "$HZ" --duration "$SECS" -o "$WORK/p.jsonl"
S=$(grep -c '"type":"sample"' "$WORK/p.jsonl")
printf "%-22s %12s %10s %14s %10s\n" "stackcross profile" "$RATE" "$(awk -v a="$RATE" -v b="$BASE" 'BEGIN{printf "%.3f", a/b}')" "$(awk -v s="$S" -v t="$SECS" 'BEGIN{printf "%.0f", s/t}')" "$RSS"
grep -o '"stopsByState":{[^}]*}' "$WORK/p.jsonl" | sed 's/^/    /'
if command -v eu-stack > /dev/null; then
    run_phase eu-stack eu_loop
    N=$(cat "$WORK/eu-stack.out")
    printf "%-22s %12s %10s %14s %10s\n" "eu-stack loop" "$RATE" "$(awk -v a="$RATE" -v b="$BASE" 'BEGIN{printf "%.3f", a/b}')" "$(awk -v n="$N" -v th="$THREADS" -v t="$SECS" 'BEGIN{printf "%.0f", n*th/t}')" "$RSS"
fi
if command -v perf > /dev/null && perf record -o "$WORK/probe.data" -e cpu-clock -- true > /dev/null 2>&1; then
    run_phase perf perf record -F "$HZ" -g --call-graph dwarf -o "$WORK/perf.data" -p "$FIXTURE" -- sleep "$SECS"
    P=$(perf script -i "$WORK/perf.data" -F tid 2> /dev/null | grep -c '^ *[0-9]' || true)
    printf "%-22s %12s %10s %14s %10s\n" "perf record dwarf" "$RATE" "$(awk -v a="$RATE" -v b="$BASE" 'BEGIN{printf "%.3f", a/b}')" "$(awk -v s="$P" -v t="$SECS" 'BEGIN{printf "%.0f", s/t}')" "$RSS"
else
    echo "perf record: not usable here (perf_event_paranoid or no PMU access)"
fi
run_phase untraced1 untraced
printf "%-22s %12s %10s %14s %10s\n" "untraced (after)" "$RATE" "$(awk -v a="$RATE" -v b="$BASE" 'BEGIN{printf "%.3f", a/b}')" - -
