#!/bin/bash
# strace 6.1's own tests as a decoding benchmark: each test program prints the lines strace must
# write for the calls it makes; run it under `stackcross trace` with the options of its
# gen_tests.in line and count how many expected lines stackcross reproduces (normalised).
#
# Usage: Benchmarks/strace-suite.sh STRACE_SRC [--family F] [--test NAME] [--show]
#   STRACE_SRC  a strace 6.1 source tree (Debian's `apt-get source strace`, or the git tag v6.1)
#   --family F  only the tests of one family (net io file process signal ipc memory creds time other)
#   --test N    only test N (repeatable); --show prints its diff
# The built tests are cached in $STRACE_TESTS (default /work/strace-tests); results go to
# $STRACE_TESTS/result.json (per test) and a table on stdout. STACKCROSS=path skips the release build.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 STRACE_SRC [--family F] [--test NAME] [--show]" >&2; exit 64; }
SRC=$(cd "$1" && pwd); shift
FAMILY= ; TESTS=() ; SHOW=
while [ $# -gt 0 ]; do
	case "$1" in
	--family) FAMILY=$2; shift 2;;
	--test) TESTS+=("$2"); shift 2;;
	--show) SHOW=1; shift;;
	*) echo "$0: unknown option $1" >&2; exit 64;;
	esac
done
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${STRACE_TESTS:-/work/strace-tests}
mkdir -p "$CACHE"

# Build strace's test programs once (bootstrap only for a git tree; configure/make are cached).
build_tests() {
	local tree="$CACHE/src"
	if [ ! -f "$tree/tests/.built" ]; then
		rm -rf "$tree"; cp -a "$SRC" "$tree"
		( cd "$tree"
		  [ -f configure ] || { [ -f .tarball-version ] || echo 6.1 > .tarball-version; ./bootstrap; }
		  ./configure --enable-mpers=no --disable-gcc-Werror
		  make -C tests -j2 -k check TESTS= || true
		  touch tests/.built ) > "$CACHE/build.log" 2>&1 ||
			{ echo "$0: building strace's tests failed, see $CACHE/build.log" >&2; exit 1; }
	fi
}
build_tests

if [ -n "${STACKCROSS:-}" ]; then
	BIN=$STACKCROSS
else
	( cd "$REPO" && PATH=/opt/swift/usr/bin:$PATH swift build -c release --product stackcross >&2 )
	BIN="$REPO/.build/release/stackcross"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# strace's syslog test sets the console log level (a host-wide setting) when run as root: put it back.
PRINTK=$(cut -f1 /proc/sys/kernel/printk 2>/dev/null || true)
restore_printk() { [ -z "$PRINTK" ] || echo "$PRINTK" > /proc/sys/kernel/printk 2>/dev/null || true; }
trap restore_printk EXIT
python3 "$REPO/Benchmarks/strace-suite/run.py" "$CACHE/src" "$BIN" "$CACHE/result.json" \
	"$FAMILY" "$SHOW" "${TESTS[@]+"${TESTS[@]}"}"
