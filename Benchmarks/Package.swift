// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of Winnow's parts (ordo-one/benchmark). A separate package so that the main
// package's `swift build` / `swift test` stay small. Run: `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "WinnowBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The explicit name keeps the identity stable whatever the checkout's folder is called.
        .package(name: "winnow", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "WinnowBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WinnowEngine", package: "winnow"),
            ],
            path: "Benchmarks/WinnowBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // hiredis (what Winnow uses) against a RESP client on SwiftNIO, on one real redis-server.
        .executableTarget(
            name: "RedisClients",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WinnowRedis", package: "winnow"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/RedisClients",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
