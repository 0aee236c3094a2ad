// swift-tools-version: 6.2
// 6.2 or later: a package with `unsafeFlags` can then still be used as a versioned dependency.
import PackageDescription

/// Settings of every Swift module.
///
/// `-cross-module-optimization` (release): other modules (layers, trainers, a user's package)
/// get the bodies of Autograd's generic functions and specialise them for Float and Double;
/// without it each call from outside runs the generic code and looks up type metadata.
///
/// `-fno-math-errno`: on Linux, `squareRoot()` is the C library's `sqrtf`, which may set `errno`;
/// that possibility keeps every loop with a square root scalar (Adam's update). Without `errno`
/// the compiler emits vector square roots. No result changes: √ is exact either way.
let portable: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
                                .unsafeFlags(["-Xcc", "-fno-math-errno"])]

/// One binary for every machine: the package is compiled for the compiler's portable target,
/// except the kernels' loops (Sources/KernelLoops), which are compiled once per instruction-set
/// level into a module of their own; the `Kernels` module picks one per process from CPUID.
/// `KernelsBaseline`, `KernelsX86v3` and `KernelsX86v4` are links to the same folder.
///
/// The level modules are compiled without cross-module optimisation, so that no other module
/// inlines their code (it would then be compiled for that module's portable target).
func levelSettings(march: String?, defines: [String] = []) -> [SwiftSetting] {
    var settings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]
    if let march { settings.append(.unsafeFlags(["-Xcc", "-march=\(march)"])) }
    return settings + defines.map { .define($0) }
}

var levelTargets: [Target] = [
    .target(name: "KernelsBaseline", dependencies: ["KernelSupport"], swiftSettings: levelSettings(march: nil)),
]
var levelModules: [Target.Dependency] = ["KernelsBaseline"]
#if arch(x86_64)
// The manifest is read on the building machine: building for another architecture from an
// x86-64 machine is not supported.
levelTargets += [
    .target(name: "KernelsX86v3", dependencies: ["KernelSupport"], swiftSettings: levelSettings(march: "x86-64-v3")),
    .target(name: "KernelsX86v4", dependencies: ["KernelSupport"],
            swiftSettings: levelSettings(march: "x86-64-v4", defines: ["KERNELS_AVX512"])),
]
levelModules += ["KernelsX86v3", "KernelsX86v4"]
#endif

let package = Package(
    name: "SwiftAutograd",
    products: [
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "Train", targets: ["Train"]),
        // The example trainers' code, for programs that run them differently (Distributed/'s mlp-mpi and cnn-mpi).
        .library(name: "Trainers", targets: ["Trainers"]),
        .executable(name: "bench", targets: ["Bench"]),
        .executable(name: "netbp", targets: ["netbp"]),
        .executable(name: "mlp", targets: ["mlp"]),
        .executable(name: "cnn", targets: ["cnn"]),
        .executable(name: "resnet", targets: ["resnet"]),
        .executable(name: "gpt", targets: ["gpt"]),
    ],
    targets: levelTargets + [
        // CPUID and XGETBV, which Swift cannot issue.
        .target(name: "CPUFeatures"),
        .target(name: "KernelSupport", swiftSettings: portable),
        .target(name: "Kernels", dependencies: ["KernelSupport", "CPUFeatures"] + levelModules, swiftSettings: portable),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "KernelSupport", "KernelsBaseline", "Autograd"]),
        .target(name: "Autograd", dependencies: ["Kernels", "KernelSupport"], swiftSettings: portable),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "KernelSupport"]),
        .target(name: "Layers", dependencies: ["Autograd"], swiftSettings: portable),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "Autograd"], resources: [.copy("Fixtures")]),
        // zlib's inflate for gzip-compressed datasets (headers from zlib1g-dev on Debian/Ubuntu).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Train", dependencies: ["Layers", "Autograd", "KernelSupport", "CZlib"], swiftSettings: portable),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Layers", "Autograd"], resources: [.copy("Fixtures")]),
        .target(name: "Trainers", dependencies: ["Train", "Layers", "Autograd", "Kernels", "KernelSupport"], swiftSettings: portable),
        .executableTarget(name: "netbp", dependencies: ["Trainers"], swiftSettings: portable),
        .executableTarget(name: "mlp", dependencies: ["Trainers"], swiftSettings: portable),
        .executableTarget(name: "cnn", dependencies: ["Trainers"], swiftSettings: portable),
        .executableTarget(name: "resnet", dependencies: ["Trainers"], swiftSettings: portable),
        .executableTarget(name: "gpt", dependencies: ["Trainers"], swiftSettings: portable),
        .testTarget(name: "TrainersTests", dependencies: ["netbp", "mlp", "cnn", "resnet", "gpt", "Trainers", "Train"]),
        .executableTarget(name: "Bench", dependencies: ["Autograd", "Layers", "Train", "Kernels", "KernelSupport"],
                          swiftSettings: portable),
    ],
    swiftLanguageModes: [.v6]
)
