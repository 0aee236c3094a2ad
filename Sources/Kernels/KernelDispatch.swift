import Foundation
import KernelSupport

/// The kernels this process runs: the level chosen once, at first use, from the CPU
/// (``LevelChoice``) or from the `AUTOGRAD_KERNEL_LEVEL` environment variable, which may only
/// lower it (`baseline`, `x86-64-v3` or `avx2`, `x86-64-v4` or `avx512`; for tests, comparisons
/// and bug reports).
@usableFromInline
package enum KernelDispatch {
    /// The environment variable that forces a lower level.
    package static let environmentVariable = "AUTOGRAD_KERNEL_LEVEL"

    /// The level chosen for this process.
    package static let level: KernelLevel = {
        let (level, notes) = choose(on: .current, requested: ProcessInfo.processInfo.environment[environmentVariable])
        for note in notes { FileHandle.standardError.write(Data("Kernels: \(note)\n".utf8)) }
        return level
    }()

    /// The `Float` kernels of ``level``.
    @usableFromInline package static let float = level.kernels!.float
    /// The `Double` kernels of ``level``.
    @usableFromInline package static let double = level.kernels!.double

    /// The level for `processor` given the environment's `requested` value, and what to say
    /// about it on standard error: a request that cannot be honoured, or portable code on a
    /// CPU where it is slow.
    package static func choose(on processor: Processor, requested: String?) -> (KernelLevel, notes: [String]) {
        let preferred = LevelChoice.preferredLevel(on: processor)
        var level = preferred, notes: [String] = []
        if let requested, !requested.isEmpty {
            let names = KernelLevel.allCases.map(\.rawValue).joined(separator: ", ")
            if let forced = KernelLevel(name: requested) {
                if forced <= preferred {
                    level = forced
                } else {
                    notes.append("\(environmentVariable)=\(requested) is above the level chosen for this CPU "
                                 + "(\(processor.description)); using \(preferred.summary)")
                }
            } else {
                notes.append("\(environmentVariable)=\(requested) is not a level (\(names), or avx2, avx512); "
                             + "using \(preferred.summary)")
            }
        }
        #if arch(x86_64)
        if level == .baseline {
            let cause = preferred == .baseline ? "this CPU (\(processor.description)) has no AVX2 and FMA"
                                               : "\(environmentVariable) asks for it"
            notes.append("running the portable baseline kernels because \(cause); on x86-64 they are about "
                         + "100× slower than the AVX2 ones")
        }
        #endif
        return (level, notes)
    }
}

extension KernelTable {
    /// The kernels of the level chosen for this process (``KernelDispatch``); `Scalar` is
    /// `Float` or `Double`. Inlinable, so that specialised callers reduce it to the load of a
    /// constant: every tensor operation fetches its table here.
    @inlinable
    package static var selected: KernelTable<Scalar> {
        if Scalar.self == Float.self { return unsafeBitCast(KernelDispatch.float, to: KernelTable<Scalar>.self) }
        if Scalar.self == Double.self { return unsafeBitCast(KernelDispatch.double, to: KernelTable<Scalar>.self) }
        fatalError("Kernels: no kernels for \(Scalar.self); tensors hold Float or Double")
    }
}
