/// Copying elements between buffers, for callers that move whole tensors (a compiled
/// function's new state, and inputs that are also its results).
@usableFromInline
package enum ElementCopy {
    /// Copies `count` elements: a plain loop for a handful (a call to memmove would cost more),
    /// memmove for medium arrays, and contiguous chunks on ``KernelThreads/current`` threads for
    /// large ones (faster for a compiled MLP step's copies of its weights, most of all when the
    /// two CPUs sit on separate L3 caches; the figures are in Benchmarks/results). Inlinable, so
    /// that the handful is copied in the caller, specialised.
    @inlinable
    package static func copy<T>(_ count: Int, from source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>) {
        if count <= 64 {
            for index in 0..<count { target[index] = source[index] }
        } else {
            copyBytes(count * MemoryLayout<T>.stride, from: UnsafeRawPointer(source), to: UnsafeMutableRawPointer(target))
        }
    }

    /// Copies `count` bytes: memmove, or chunks of whole 64-byte cache lines on several threads
    /// (so that no line is written by two) when there are at least as many bytes as
    /// ``KernelThreads/elementwiseParallelCount`` `Float`s.
    @usableFromInline
    package static func copyBytes(_ count: Int, from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        let threads = count >= 4 * KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return target.copyMemory(from: source, byteCount: count) }
        let pointers = Unchecked((source, target))
        WorkerPool.shared.runChunks(of: count, granularity: 64, threads: threads) { range in
            let (source, target) = pointers.value
            (target + range.lowerBound).copyMemory(from: source + range.lowerBound, byteCount: range.count)
        }
    }
}
