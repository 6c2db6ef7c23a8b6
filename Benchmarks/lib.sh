# Sourced by the benchmark scripts (from the repository root): a release build of stackcross in
# $BIN (SCRATCH picks the build folder) and a work folder $WORK removed on exit.
export PATH=/opt/swift/usr/bin:$PATH
SCRATCH=${SCRATCH:-.build}
swift build -c release --product stackcross --scratch-path "$SCRATCH" >&2
BIN="$SCRATCH/release/stackcross"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
