import Kernels
import KernelSupport

/// The instruction-set levels this machine runs (the baseline, and AVX2 and AVX-512 where the CPU
/// has them): the kernel tests run each table entry at every one.
let runnableLevels = KernelLevel.runnable

extension KernelLevel {
    /// This level's kernels for `Scalar`.
    func table<Scalar>(_ scalar: Scalar.Type) -> KernelTable<Scalar> { kernels!.table(scalar) }
}

extension Margins {
    /// The same margin on all four sides.
    static func symmetric(_ amount: Int) -> Margins { Margins(top: amount, bottom: amount, left: amount, right: amount) }
}
