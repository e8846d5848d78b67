// swift-tools-version:6.0
// libFuzzer targets, a package of their own (like Benchmarks/) so that the main build never
// compiles them: each target's one file defines LLVMFuzzerTestOneInput and no `main`.
// Build and run with scripts/fuzz.sh (docs/hardening.md).
import PackageDescription

let package = Package(
    name: "WinnowFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "winnow", path: "../")],
    targets: [
        .executableTarget(name: "FuzzEventDecoder", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
        .executableTarget(name: "FuzzNormalizer", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
        .executableTarget(name: "FuzzWordlists", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
        .executableTarget(name: "FuzzPolicyFile", dependencies: [.product(name: "WinnowPolicyFile", package: "winnow")]),
        .executableTarget(name: "FuzzJudging", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
        .executableTarget(name: "FuzzOps", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
        .executableTarget(name: "FuzzCost", dependencies: [.product(name: "WinnowEngine", package: "winnow")]),
    ]
)
