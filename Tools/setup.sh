#!/bin/sh
# Installs what stackcross builds and tests with (the Debian packages in .ci/packages) and builds
# the release binary. Works as root and as a user (apt-get through sudo only when not root).
set -eu
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends $(cat .ci/packages)
# The export tests decode OTLP and Perfetto output with the official definitions (PyPI packages).
python3 -m pip install --quiet --break-system-packages opentelemetry-proto perfetto
swift build -c release
