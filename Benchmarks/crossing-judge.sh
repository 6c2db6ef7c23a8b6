#!/usr/bin/env bash
# Per-call cost of the model's crossing checks and the JSON line of one traced write(2) (no tracee):
# what the output thread adds per call. Compiles Sources/StackCross with the driver at -O; medians of 5 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -parse-as-library -module-name Bench $(find Sources/StackCross -name '*.swift') \
    Benchmarks/crossing-judge/JudgeBench.swift -o "$out/bench" -lm
for i in 1 2 3 4 5; do ${PIN:-taskset -c 1} "$out/bench"; done > "$out/runs.txt"
for what in "judge" "judge+json" "json without crossing"; do
    grep "^$what:" "$out/runs.txt" | awk '{for (i = 1; i <= NF; i++) if ($i == "seconds") print $(i-1)}' | sort -g \
        | awk -v w="$what" '{v[NR] = $1} END {printf "%-22s median %.0f ns per call (5 runs)\n", w, v[int((NR + 1) / 2)] * 1e9}'
done
