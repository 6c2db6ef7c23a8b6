#!/bin/sh
# Regenerates Sources/StackCrossExport/Generated from Protos/ (official opentelemetry-proto files,
# a reduced Perfetto trace.proto). Run by hand after changing Protos/; CI never runs protoc: the
# generated Swift is committed. Needs protoc (Debian protobuf-compiler) and protoc-gen-swift built
# from swift-protobuf at the version Package.swift uses (PROTOC_GEN_SWIFT=path overrides).
set -eu
cd "$(dirname "$0")/.."
PLUGIN="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || echo /work/tools/swift-protobuf/.build/release/protoc-gen-swift)}"
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
