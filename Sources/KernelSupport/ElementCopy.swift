/// Copying elements between buffers, for callers that move whole tensors (a compiled
/// function's new state, and inputs that are also its results).
package enum ElementCopy {
    /// Copies `count` elements: a plain loop for a handful (a call to memmove would cost more),
    /// memmove for medium arrays, and contiguous chunks on ``KernelThreads/current`` threads for
    /// large ones (faster for a compiled MLP step's copies of its weights, most of all when the
    /// two CPUs sit on separate L3 caches; the figures are in Benchmarks/results).
    @inline(__always)
    package static func copy<T>(_ count: Int, from source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>) {
        if count <= 64 {
            for index in 0..<count { target[index] = source[index] }
            return
        }
        let threads = count >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        if threads == 1 {
            target.update(from: source, count: count)
        } else {
            let pointers = Unchecked((source, target))
            // Chunks of whole 64-byte cache lines, so that no line is written by two threads.
            let granularity = max(1, 64 / MemoryLayout<T>.stride)
            WorkerPool.shared.runChunks(of: count, granularity: granularity, threads: threads) { range in
                let (source, target) = pointers.value
                (target + range.lowerBound).update(from: source + range.lowerBound, count: range.count)
            }
        }
    }
}
