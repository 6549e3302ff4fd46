// swift-tools-version:6.0
import PackageDescription

// Module layout and dependency direction follow ARCHITECTURE.md §2:
// Basics <- StoreFormats <- Store <- Builder <- Commands <- cairn.
let package = Package(
    name: "cairn",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cairn", targets: ["cairn"]),
        .executable(name: "cairn-builder", targets: ["cairn-builder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // AsyncHTTPClient's own transport: Fetch names its error types and the
        // tests run a loopback HTTP server on it. Adds nothing to the build.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
    ],
    targets: [
        .target(
            name: "Basics",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Channels: where the package collection comes from (git checkouts, channels.scm).
        .target(name: "Channels", dependencies: ["Basics", "StoreFormats", "Scheme"]),
        .target(name: "StoreFormats", dependencies: ["Basics"]),
        // The language knows nothing of stores (ARCHITECTURE.md §5): host hooks are injected.
        .target(
            name: "Scheme",
            dependencies: [.product(name: "BigInt", package: "BigInt")],
            swiftSettings: [
                // The evaluator's frames, cells and nodes are class fields read on
                // every step; dynamic exclusivity checks on them guard against nothing
                // a single-threaded runtime does. Reference counting is non-atomic
                // (fib 30: 0.49 s -> 0.34 s): Scheme runs on one thread at a time per
                // process (`SchemeExecution`); interned symbols, the only objects
                // shared between runtimes, stay in the intern table for good.
                .unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-assume-single-threaded"]),
            ]
        ),
        .target(
            name: "Store",
            dependencies: ["Basics", "StoreFormats", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Build isolation (ARCHITECTURE.md §1.4, §4). The C shim holds only what
        // must run between clone and execve; the layout and errors are Swift.
        .target(name: "CSandbox"),
        .target(name: "Sandbox", dependencies: ["Basics", "CSandbox"]),
        // builtin:fetchurl's transport (ARCHITECTURE.md §1.8, issue 4): HTTP(S),
        // mirror:// resolution, content-addressed fallbacks, hash verification.
        .target(
            name: "Fetch",
            dependencies: [
                "Basics", "StoreFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Named for their error types (connection refused, reset), which
                // decide what is retried; AsyncHTTPClient builds them anyway.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Build logs are kept bzip2-compressed, as Nix keeps them (`nix log`
        // reads them); the system's libbz2 is small, stable and everywhere.
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        // Debian packages for the bootstrap seed (ARCHITECTURE.md §1.6): ar,
        // tar, and the system's zlib and liblzma for gzip and xz members.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLzma", providers: [.apt(["liblzma-dev"])]),
        .target(name: "Archives", dependencies: ["Basics", "CZlib", "CLzma"]),
        .target(name: "Builder", dependencies: ["Basics", "StoreFormats", "Store", "Sandbox", "CBzip2", "Fetch", "Archives", "Profiles"]),
        .target(name: "Profiles", dependencies: ["Basics", "Scheme"]),
        // The glue between the language and the store (ARCHITECTURE.md §2):
        // store primitives for Scheme, derivation objects, evaluation.
        .target(name: "Packages", dependencies: ["Basics", "StoreFormats", "Store", "Scheme"]),
        .target(
            name: "Commands",
            dependencies: [
                "Basics", "StoreFormats", "Store", "Scheme", "Builder", "Sandbox", "Archives", "Packages", "Profiles", "Channels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "cairn", dependencies: ["Commands"]),
        // The build-side runner (ARCHITECTURE.md §1.5): the language and
        // operating-system procedures for build scripts; nothing host-side.
        .executableTarget(name: "cairn-builder", dependencies: ["Basics", "Scheme"]),
        // libFuzzer target for the reader and evaluator (README: Fuzzing).
        .executableTarget(name: "scheme-fuzz", dependencies: ["Scheme"]),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
        .testTarget(name: "ChannelsTests", dependencies: ["Channels", "Basics"]),
        .testTarget(name: "ArchivesTests", dependencies: ["Archives"]),
        .testTarget(name: "SchemeTests", dependencies: ["Scheme"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreFormatsTests", dependencies: ["StoreFormats", "Basics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreFormats", "Basics"]),
        .testTarget(name: "CommandsTests", dependencies: ["Basics", "StoreFormats"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "CSandbox", "Basics"]),
        .testTarget(
            name: "FetchTests",
            dependencies: [
                "Fetch", "Basics", "StoreFormats",
            ],
            // The loopback HTTP server the tests start (found through #filePath).
            exclude: ["Support/loopback_server.py"]
        ),
        .testTarget(name: "PackagesTests", dependencies: ["Packages", "Scheme", "Store", "StoreFormats", "Basics"]),
        .testTarget(name: "BuilderTests", dependencies: ["Builder", "Store", "StoreFormats", "Basics", "Sandbox"]),
    ]
)
