// swift-tools-version: 5.4
// The fuzzing harnesses: one libFuzzer target per reader of outside bytes. scripts/fuzz.sh builds
// them with `-sanitize=fuzzer,address -parse-as-library`: libFuzzer supplies `main` and calls each
// harness's `LLVMFuzzerTestOneInput`. The root package never builds them.
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point to
// `<target>_main` and links `main` to it, which a harness without an entry point cannot provide.
// The harnesses are still compiled in the Swift 6 language mode.
import PackageDescription

let swift6: [SwiftSetting] = [.unsafeFlags(["-swift-version", "6"])]

let package = Package(
    name: "SwiftAutogradFuzz",
    dependencies: [.package(name: "SwiftAutograd", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Train", package: "SwiftAutograd")], swiftSettings: swift6),
        .executableTarget(name: "fuzz-idx", dependencies: ["FuzzSupport"], swiftSettings: swift6),
        .executableTarget(name: "fuzz-idx-gzip", dependencies: ["FuzzSupport"], swiftSettings: swift6),
        .executableTarget(name: "fuzz-cifar10", dependencies: ["FuzzSupport"], swiftSettings: swift6),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport"], swiftSettings: swift6),
        .executableTarget(name: "fuzz-safetensors", dependencies: ["FuzzSupport"], swiftSettings: swift6),
        .executableTarget(name: "fuzz-checkpoint", dependencies: ["FuzzSupport", .product(name: "Layers", package: "SwiftAutograd")],
                          swiftSettings: swift6),
    ]
)
