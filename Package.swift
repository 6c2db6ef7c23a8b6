// swift-tools-version:6.0
import PackageDescription

/// The per-stop code's settings (StackCross and Inspector).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "stackcross",
    products: [
        .executable(name: "stackcross", targets: ["stackcross"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C: fixed-arity wrappers for what Swift cannot call, mirrored kernel structs.
        .target(name: "CStackCross", path: "CShims/CStackCross"),
        // elfutils libdw + libelf (DWARF CFI unwinding, symbolization).
        .systemLibrary(
            name: "CLibdw", path: "CShims/CLibdw", pkgConfig: "libdw",
            providers: [.apt(["libdw-dev", "libelf-dev"])]),
        // libunwind's ptrace backend (second unwinder).
        .systemLibrary(
            name: "CLibunwind", path: "CShims/CLibunwind", pkgConfig: "libunwind-ptrace",
            providers: [.apt(["libunwind-dev", "liblzma-dev"])]),
        // The second unwinder's C side: libunwind remote unwinding of a copied stack (its accessors
        // read the copy and the mapped files). Logic, not a shim, so a target of its own that links libunwind.
        .target(name: "CCopiedStackUnwind", dependencies: ["CLibunwind"], path: "CShims/CCopiedStackUnwind"),
        // zlib: gunzip /proc/config.gz for the kernel-stack model's configuration.
        .systemLibrary(
            name: "CZlib", path: "CShims/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libzstd: `-o FILE.zst` output and transparent `.zst` input (streaming, bounded memory).
        .systemLibrary(
            name: "CZstd", path: "CShims/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        // Pure Swift: records, model, checks, tables, exporters. No tracing syscalls.
        // Release builds check exclusive access at compile time only: the run-time check costs every
        // class-property access on the per-stop path (3% of a traced write, measured with perf).
        .target(name: "StackCross", path: "Sources/StackCross", swiftSettings: hotPath),
        // Exporters to other engines' wire formats (OTLP, Perfetto): swift-protobuf and its generated
        // code live here so the pure core does not pay for them.
        .target(
            name: "StackCrossExport",
            dependencies: ["StackCross", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/StackCrossExport"),
        // The live side: ptrace, /proc, tracee memory, unwinding.
        .target(
            name: "Inspector",
            dependencies: [
                "StackCross", "CStackCross", "CCopiedStackUnwind", "CLibdw", "CZlib", "CZstd",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Inspector",
            swiftSettings: hotPath,
            // Debian's libunwind-ptrace needs liblzma but does not declare it.
            linkerSettings: [.linkedLibrary("lzma")]),
        // pprof output: profile.proto (generated code committed, Tools/gen-protos.sh) gzipped with zlib.
        .target(
            name: "PprofExport",
            dependencies: ["StackCross", "CZlib", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/PprofExport"),
        .executableTarget(
            name: "stackcross",
            dependencies: [
                "StackCross", "Inspector", "PprofExport", "StackCrossExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/stackcross",
            // Release: link the Swift runtime and Foundation statically, which halves start-up
            // (dynamic Foundation + ICU cost ~8 ms of relocations and initializers per run), with lld
            // and packed relative relocations (DT_RELR, glibc 2.36+): 77k RELA entries become 15 KB,
            // about 1 ms less start-up a run.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release))]),
        .testTarget(name: "StackCrossTests", dependencies: ["StackCross"], path: "Tests/StackCrossTests"),
        // Integration tests: real fixture processes, the real CLI binary.
        .testTarget(
            name: "InspectorTests", dependencies: ["StackCross", "Inspector", "PprofExport", "stackcross"],
            path: "Tests/InspectorTests"),
    ],
    swiftLanguageModes: [.v5]
)
