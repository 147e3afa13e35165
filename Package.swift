// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode is the package default;
/// these add the upcoming features that keep dependencies and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tern", targets: ["tern"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Quantized block layouts and SIMD kernels, one ISA chosen at run time.
        .target(name: "CTernKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "TernGGUF", swiftSettings: swiftSettings),
        .target(
            name: "TernTensor",
            dependencies: [
                "CTernKernels", "TernGGUF",
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "TernTokenizers", dependencies: ["TernGGUF"], swiftSettings: swiftSettings),
        .target(name: "TernTemplates", swiftSettings: swiftSettings),
        .target(name: "TernModels", dependencies: ["TernTensor", "TernGGUF"], swiftSettings: swiftSettings),
        .target(name: "TernSampling", dependencies: ["TernTokenizers"], swiftSettings: swiftSettings),
        .target(
            name: "TernEngine",
            dependencies: [
                "TernModels", "TernSampling", "TernTokenizers", "TernGGUF", "TernTemplates", "TernTensor",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "TernStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "TernServer",
            dependencies: [
                "TernEngine", "TernTemplates", "TernStore", "TernTokenizers", "TernSampling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "tern",
            dependencies: [
                "TernServer", "TernEngine", "TernModels", "TernTokenizers", "TernGGUF", "TernTensor",
                "TernSampling", "TernTemplates", "TernStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        // Shared by the test targets: model and fixture locations, fixture types.
        .target(name: "TernTestSupport", path: "Sources/TernTestSupport", swiftSettings: swiftSettings),

        .testTarget(name: "TernGGUFTests", dependencies: ["TernGGUF", "TernTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernTensorTests", dependencies: ["TernTensor", "CTernKernels", "TernGGUF", "TernTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TernTokenizersTests", dependencies: ["TernTokenizers", "TernGGUF", "TernTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TernTemplatesTests", dependencies: ["TernTemplates"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernModelsTests",
            dependencies: ["TernModels", "TernTensor", "TernGGUF", "TernTokenizers", "TernTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TernSamplingTests", dependencies: ["TernSampling"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernEngineTests",
            dependencies: ["TernEngine", "TernModels", "TernSampling", "TernTestSupport", "TernGGUF", "TernTensor"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TernStoreTests", dependencies: ["TernStore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernServerTests",
            dependencies: [
                "TernServer", "TernEngine", "TernStore", "TernTokenizers", "TernSampling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
    ]
)
