#!/bin/sh
# Regenerates Sources/PprofExport/pprof.pb.swift from Protos/pprof.proto. Run by hand after editing
# the .proto; the generated file is committed, so builds and CI never need protoc.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift from swift-protobuf 1.39.x
# (PROTOC_GEN_SWIFT=path, default: protoc-gen-swift on PATH).
set -eu
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
[ -x "$plugin" ] || { echo "gen-protos: protoc-gen-swift not found (set PROTOC_GEN_SWIFT)" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Internal \
  --proto_path=Protos --swift_out=Sources/PprofExport Protos/pprof.proto
echo "gen-protos: wrote Sources/PprofExport/pprof.pb.swift"
