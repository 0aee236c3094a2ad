// swift-tools-version: 6.2
// 6.2 or later: a package with `unsafeFlags` can then still be used as a versioned dependency.
import Foundation
import PackageDescription

/// Cross-module optimisation: other modules (layers, trainers, a user's package) get the bodies
/// of Autograd's public generic functions and specialise them for Float and Double; without it
/// each call from outside runs the generic code and looks up type metadata (measured: a 2×2
/// matmul 326 → 90 ns, a tiny SGD step 38 → 19 µs; Docs/Performance.md).
///
/// Code generation for x86-64: the compiler's default target has no AVX2 and no FMA, and then
/// every `addingProduct` on SIMD vectors becomes a library call (about 130× slower kernels).
/// The package is built for the building machine's level: x86-64-v4 (AVX-512) when its CPU has
/// AVX-512 (the micro-kernels then use two-vector panels, `AUTOGRAD_AVX512`: GEMM 1.5–1.9× as
/// fast on a Zen 5 core, Docs/Performance.md), x86-64-v3 (AVX2 + FMA, every x86-64 CPU since
/// 2013) otherwise. Set `AUTOGRAD_TARGET` to `x86-64-v3`, `x86-64-v4` or `baseline` to choose
/// instead, for example for a binary that must run on other machines.
///
/// `-fno-math-errno`: on Linux, `squareRoot()` is the C library's `sqrtf`, which may set `errno`;
/// that possibility keeps every loop with a square root scalar (Adam's update: 18 % → 4 % of the
/// MLP trainer's profile). Without `errno` the compiler emits `vsqrtps`. No result changes: √ is
/// exact either way.
var optimisation: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
                                    .unsafeFlags(["-Xcc", "-fno-math-errno"])]
#if arch(x86_64)
/// Whether the building machine's CPU has the AVX-512 subsets of x86-64-v4 (Linux's cpuinfo).
func buildMachineHasAVX512() -> Bool {
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let present = Set(flags.split(separator: " ").map(String.init))
    return ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"].allSatisfy(present.contains)
}
let target = Context.environment["AUTOGRAD_TARGET"] ?? (buildMachineHasAVX512() ? "x86-64-v4" : "x86-64-v3")
precondition(["x86-64-v4", "x86-64-v3", "baseline"].contains(target),
             "AUTOGRAD_TARGET is '\(target)'; it must be x86-64-v4, x86-64-v3 or baseline")
if target != "baseline" {
    optimisation.append(.unsafeFlags(["-Xcc", "-march=\(target)"]))
}
if target == "x86-64-v4" {
    optimisation.append(.define("AUTOGRAD_AVX512"))
}
#endif

let package = Package(
    name: "SwiftAutograd",
    products: [
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "Train", targets: ["Train"]),
        .executable(name: "bench", targets: ["Bench"]),
        .executable(name: "netbp", targets: ["netbp"]),
        .executable(name: "mlp", targets: ["mlp"]),
        .executable(name: "cnn", targets: ["cnn"]),
    ],
    targets: [
        .target(name: "Autograd", swiftSettings: optimisation),
        .executableTarget(name: "Bench", dependencies: ["Autograd", "Train"], exclude: ["tiny_mlp_problem.py"],
                          swiftSettings: optimisation),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .target(name: "Layers", dependencies: ["Autograd"], swiftSettings: optimisation),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "Autograd"]),
        // zlib's inflate for gzip-compressed datasets (headers from zlib1g-dev on Debian/Ubuntu).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Train", dependencies: ["Layers", "Autograd", "CZlib"], swiftSettings: optimisation),
        .target(name: "Trainers", dependencies: ["Train", "Layers", "Autograd"], swiftSettings: optimisation),
        .executableTarget(name: "netbp", dependencies: ["Trainers"], swiftSettings: optimisation),
        .executableTarget(name: "mlp", dependencies: ["Trainers"], swiftSettings: optimisation),
        .executableTarget(name: "cnn", dependencies: ["Trainers"], swiftSettings: optimisation),
        .testTarget(name: "TrainersTests", dependencies: ["netbp", "mlp", "cnn"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Layers", "Autograd"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
