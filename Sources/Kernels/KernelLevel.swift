import KernelSupport
import KernelsBaseline
#if canImport(KernelsX86v3)
import KernelsX86v3
#endif
#if canImport(KernelsX86v4)
import KernelsX86v4
#endif

/// An instruction-set level the kernels are compiled for. The sources of the kernels are
/// compiled once per level, into a module of their own (Package.swift), and one level is chosen
/// per process (``KernelDispatch``).
///
/// The raw values are the compiler's names of the levels (`-march`); each module's name says
/// its level, and the modules sort lowest level first, as the linker sees them (see
/// scripts/check-kernel-levels.py for why that matters).
package enum KernelLevel: String, CaseIterable, Comparable, Sendable {
    /// The compiler's portable target: x86-64 with SSE2 only, or any arm64 (NEON). On x86-64 the
    /// vector fused multiply-adds become library calls, about 100× slower.
    case baseline
    /// AVX2, FMA and BMI on 256-bit registers (every x86-64 CPU since about 2013).
    case x86_64_v3 = "x86-64-v3"
    /// AVX-512 (F, BW, CD, DQ, VL); the micro-kernels use 32-lane panels of two 512-bit registers.
    case x86_64_v4 = "x86-64-v4"

    /// The level a name stands for: a raw value or a common name (`avx2`, `avx512`), in any case.
    package init?(name: String) {
        switch name.lowercased() {
        case "avx2": self = .x86_64_v3
        case "avx512", "avx-512": self = .x86_64_v4
        case let other: self.init(rawValue: other)
        }
    }

    /// What the level is, for people: its name and its instruction sets.
    package var summary: String {
        switch self {
        case .baseline: "baseline (portable code, no AVX2)"
        case .x86_64_v3: "x86-64-v3 (AVX2, FMA)"
        case .x86_64_v4: "x86-64-v4 (AVX-512)"
        }
    }

    package static func < (lhs: KernelLevel, rhs: KernelLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The kernels compiled for this level, or nil when this build has none (the x86-64 levels
    /// on other architectures).
    package var kernels: LevelKernelTables? {
        switch self {
        case .baseline:
            return KernelsBaseline.LevelKernels.tables
        case .x86_64_v3:
            #if canImport(KernelsX86v3)
            return KernelsX86v3.LevelKernels.tables
            #else
            return nil
            #endif
        case .x86_64_v4:
            #if canImport(KernelsX86v4)
            return KernelsX86v4.LevelKernels.tables
            #else
            return nil
            #endif
        }
    }

    /// The levels this process can run: compiled into this build and supported by its CPU.
    package static var runnable: [KernelLevel] {
        let processor = Processor.current
        return allCases.filter { $0.kernels != nil && processor.supports($0) }
    }
}
