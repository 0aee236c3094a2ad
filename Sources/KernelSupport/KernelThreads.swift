/// How many threads the CPU kernels use, chosen per task (Autograd's `withThreadCount` sets it).
///
/// The default is every CPU the process may run on. Results never depend on the choice: each
/// kernel partitions its work so that every output element is computed by the same sequence of
/// operations whatever the number of threads (for GEMM: the same k-loop order per element), so
/// 1 and 2 threads give bit-identical arrays. Small operations run on the calling thread only.
@usableFromInline
package enum KernelThreads {
    /// The count set for the current task, if any.
    @TaskLocal package static var requested: Int?

    /// The number of CPUs this process may run on (its affinity mask).
    package static var available: Int { WorkerPool.availableCPUs.count }

    /// The number of threads kernels use in the current task: the innermost requested count
    /// (at most ``available``), otherwise ``available``.
    package static var current: Int { min(requested ?? available, available) }

    /// Arrays of element-wise work shorter than this stay on the calling thread (about 20 µs of
    /// work); kernels that copy, map or pool elements share it.
    @inlinable
    package static var elementwiseParallelCount: Int { 1 << 16 }
}
