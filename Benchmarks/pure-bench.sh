#!/usr/bin/env bash
# Per-call cost of pure pieces (no tracee), measured by a driver in Benchmarks/NAME/:
#   syscall-decoder  the syscall decoder and line formatter (what `trace` adds to each ptrace stop)
#   crossing-judge   the model's checks and the JSON line of one traced write (the output thread's work per call)
# Compiles Sources/StackCross with the driver at -O and prints, per line the driver reports
# ("LABEL: SECONDS seconds per call"), the median of 5 runs. Usage: Benchmarks/pure-bench.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
NAME=${1:?usage: Benchmarks/pure-bench.sh syscall-decoder|crossing-judge}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# -wmo and unchecked exclusivity: what `swift build -c release` compiles StackCross with (Package.swift).
swiftc -O -wmo -enforce-exclusivity=unchecked -parse-as-library -module-name Bench $(find Sources/StackCross -name '*.swift') \
    "Benchmarks/$NAME"/*.swift -o "$out/bench" -lm
for i in 1 2 3 4 5; do "$out/bench"; done > "$out/runs.txt"
cut -d: -f1 "$out/runs.txt" | awk '!seen[$0]++' | while read -r what; do
    grep "^$what:" "$out/runs.txt" | awk '{for (i = 1; i <= NF; i++) if ($i == "seconds") print $(i-1)}' | sort -g \
        | awk -v w="$what" '{v[NR] = $1} END {printf "%-22s median %.0f ns per call (5 runs)\n", w, v[int((NR + 1) / 2)] * 1e9}'
done
