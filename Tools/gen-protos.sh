#!/bin/sh
# Regenerates the committed Swift of every .proto in Protos/: Sources/PprofExport/pprof.pb.swift (our
# subset of pprof's profile.proto, same field numbers) and Sources/StackCrossExport/Generated (the
# official opentelemetry-proto files, a reduced Perfetto trace.proto). Run by hand after changing
# Protos/; builds and CI never run protoc. Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift
# built from swift-protobuf at the version Package.swift uses (PROTOC_GEN_SWIFT=path overrides).
set -eu
cd "$(dirname "$0")/.."
PLUGIN="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || echo /work/tools/swift-protobuf/.build/release/protoc-gen-swift)}"
[ -x "$PLUGIN" ] || { echo "gen-protos: protoc-gen-swift not found (set PROTOC_GEN_SWIFT)" >&2; exit 1; }
protoc --plugin=protoc-gen-swift="$PLUGIN" --swift_opt=Visibility=Internal \
    --proto_path=Protos --swift_out=Sources/PprofExport Protos/pprof.proto
OUT=Sources/StackCrossExport/Generated
rm -rf "$OUT"
mkdir -p "$OUT"
protoc --plugin=protoc-gen-swift="$PLUGIN" -I Protos \
    --swift_out="$OUT" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
    opentelemetry/proto/common/v1/common.proto \
    opentelemetry/proto/resource/v1/resource.proto \
    opentelemetry/proto/trace/v1/trace.proto \
    opentelemetry/proto/collector/trace/v1/trace_service.proto \
    perfetto/stackcross_trace.proto
echo "gen-protos: wrote Sources/PprofExport/pprof.pb.swift and $OUT"
