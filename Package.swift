// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: WinnowCore (value types, no I/O) at the bottom, C libraries and
// I/O at the edges, the `winnow` command on top. See README.md, "Architecture".
/// Release builds skip the run-time exclusivity checks (the compile-time ones stay): they cost
/// about 2% on the hot path (measured with perf: swift_beginAccess and AccessSet::insert).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "winnow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        // The engine as a library, for the benchmarks package and for embedding.
        .library(
            name: "WinnowEngine",
            targets: [
                "WinnowCore", "WinnowText", "WinnowMatch", "WinnowLimits", "WinnowLearn", "WinnowRules", "WinnowPolicy",
                "WinnowIO",
                "WinnowPipeline",
            ]),
        // The Redis client and scripts, for the client benchmark (Benchmarks/, RedisClients).
        .library(name: "WinnowRedis", targets: ["WinnowShared"]),
        // The policy file reader, for the fuzz targets (Fuzz/).
        .library(name: "WinnowPolicyFile", targets: ["WinnowConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // hiredis (libhiredis-dev) is in the standard include and library paths; its pkg-config
        // file adds a define SwiftPM refuses, so none is used.
        .systemLibrary(name: "CHiredis"),
        // glibc's mallopt and the compiler's prefetch, which Swift's Glibc module lacks.
        .systemLibrary(name: "CPlatform"),
        .target(name: "WinnowCore", swiftSettings: hotPath),
        .target(name: "WinnowText", dependencies: ["WinnowCore"], exclude: ["Data"], swiftSettings: hotPath),
        .target(name: "WinnowMatch", dependencies: ["WinnowCore", "WinnowText", "CPCRE2"], swiftSettings: hotPath),
        .target(name: "WinnowLimits", dependencies: ["WinnowCore", "CPlatform"], swiftSettings: hotPath),
        // Learned scoring: hashed features, the linear model and its file, training.
        .target(name: "WinnowLearn", dependencies: ["WinnowCore", "WinnowText"], swiftSettings: hotPath),
        // What a policy-file setting is: each rule's settings type declares its keys with these.
        .target(name: "WinnowSettings", dependencies: ["WinnowCore", "WinnowLimits"]),
        .target(
            name: "WinnowRules",
            dependencies: ["WinnowCore", "WinnowText", "WinnowMatch", "WinnowLimits", "WinnowLearn", "WinnowSettings"],
            swiftSettings: hotPath),
        .target(
            name: "WinnowPolicy", dependencies: ["WinnowCore", "WinnowLimits", "WinnowSettings"], swiftSettings: hotPath
        ),
        .target(name: "WinnowIO", dependencies: ["WinnowCore"], swiftSettings: hotPath),
        .target(
            name: "WinnowPipeline",
            dependencies: [
                "WinnowCore", "WinnowText", "WinnowMatch", "WinnowLimits", "WinnowRules", "WinnowPolicy", "WinnowIO",
                "WinnowAudit", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // The shared store's outage counters (a no-op unless `serve` installs Prometheus).
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: hotPath),
        // Redis: shared windows (`--shared`) and streams (`winnow consume`), through hiredis.
        .target(
            name: "WinnowShared",
            dependencies: [
                "WinnowCore", "WinnowLimits", "WinnowRules", "WinnowPipeline", "CHiredis",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        // The only module that talks to SQLite.
        .target(
            name: "WinnowAudit",
            dependencies: [
                "WinnowCore", "WinnowIO", "WinnowLimits", "WinnowPolicy", "WinnowSettings", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // `winnow consume`: a Redis Stream in, verdicts to another stream, acknowledged after the audit.
        .target(
            name: "WinnowConsume",
            dependencies: [
                "WinnowCore", "WinnowIO", "WinnowLimits", "WinnowPipeline", "WinnowAudit", "WinnowShared",
            ]),
        // Dumps in (NDJSON, CSV) and the evaluation report out, around the same pipeline.
        .target(name: "WinnowReplay", dependencies: ["WinnowCore", "WinnowIO", "WinnowPipeline"]),
        // The Unix-socket sidecar: SwiftNIO, logs (swift-log), metrics (swift-metrics, Prometheus).
        .target(
            name: "WinnowServe",
            dependencies: [
                "WinnowCore", "WinnowIO", "WinnowPipeline", "WinnowAudit", "WinnowLimits", "WinnowPolicy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // The only module that reads YAML.
        .target(
            name: "WinnowConfig",
            dependencies: [
                "WinnowCore", "WinnowLimits", "WinnowRules", "WinnowPolicy", "WinnowPipeline", "WinnowSettings",
                "WinnowAudit", .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "WinnowCore", "WinnowMatch", "WinnowLimits", "WinnowConfig", "WinnowPolicy", "WinnowIO",
                "WinnowPipeline",
                "WinnowAudit", "WinnowReplay", "WinnowServe", "WinnowShared", "WinnowConsume", "WinnowLearn",
                "WinnowRules", "WinnowText", "CPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // What several test targets share: a seeded generator, a background reader.
        .target(name: "WinnowTestSupport", path: "Tests/WinnowTestSupport"),
        .testTarget(name: "WinnowCoreTests", dependencies: ["WinnowCore", "WinnowTestSupport"]),
        .testTarget(
            name: "WinnowPolicyTests",
            dependencies: ["WinnowPolicy", "WinnowCore", "WinnowLimits", "WinnowTestSupport"]),
        .testTarget(
            name: "WinnowRulesTests",
            dependencies: ["WinnowRules", "WinnowCore", "WinnowText", "WinnowSettings", "WinnowLimits"]),
        .testTarget(name: "WinnowTextTests", dependencies: ["WinnowText", "WinnowTestSupport"]),
        .testTarget(name: "WinnowLearnTests", dependencies: ["WinnowLearn", "WinnowText", "WinnowTestSupport"]),
        .testTarget(name: "WinnowMatchTests", dependencies: ["WinnowTestSupport", "WinnowMatch", "WinnowText"]),
        .testTarget(name: "WinnowLimitsTests", dependencies: ["WinnowLimits", "WinnowTestSupport"]),
        .testTarget(name: "WinnowAuditTests", dependencies: ["WinnowAudit", "WinnowCore"]),
        .testTarget(
            name: "WinnowSharedTests",
            dependencies: [
                "WinnowTestSupport", "WinnowShared", "WinnowConsume", "WinnowAudit", "WinnowIO", "WinnowLimits",
                "WinnowCore", "WinnowRules", "WinnowPipeline", "WinnowMatch", "WinnowPolicy",
            ]),
        .testTarget(
            name: "WinnowConfigTests",
            dependencies: [
                "WinnowConfig", "WinnowPipeline", "WinnowPolicy", "WinnowRules", "WinnowLimits", "WinnowCore",
                "WinnowAudit",
            ]),
        .testTarget(name: "WinnowIOTests", dependencies: ["WinnowIO", "WinnowCore"]),
        .testTarget(
            name: "WinnowPipelineTests",
            dependencies: [
                "WinnowPipeline", "WinnowMatch", "WinnowLimits", "WinnowRules", "WinnowPolicy", "WinnowCore",
                "WinnowText", "WinnowIO", "WinnowAudit", "WinnowTestSupport",
            ]),
        .testTarget(
            name: "WinnowCLITests", dependencies: ["WinnowTestSupport", "WinnowCore", "WinnowAudit", "WinnowShared"]),
        .testTarget(name: "WinnowReplayTests", dependencies: ["WinnowReplay", "WinnowCore"]),
    ]
)
