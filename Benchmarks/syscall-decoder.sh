#!/usr/bin/env bash
# Per-call cost of the pure syscall decoder and line formatter (no tracee): what `trace` adds on top of
# each ptrace stop. Compiles Sources/StackCross with the bench driver at -O and prints the medians of 5 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -parse-as-library -module-name Bench $(find Sources/StackCross -name '*.swift') \
    Benchmarks/syscall-decoder/DecoderBench.swift -o "$out/bench" -lm
for i in 1 2 3 4 5; do "$out/bench"; done > "$out/runs.txt"
for what in "write decode+format" "openat decode" "filter contains"; do
    grep "^$what:" "$out/runs.txt" | awk '{for (i = 1; i <= NF; i++) if ($i == "seconds") print $(i-1)}' | sort -g \
        | awk -v w="$what" '{v[NR] = $1} END {printf "%-22s median %.0f ns per call (5 runs)\n", w, v[int((NR + 1) / 2)] * 1e9}'
done
