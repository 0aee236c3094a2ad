/// Copying elements between buffers, for callers that move whole tensors (a compiled
/// function's new state, and inputs that are also its results).
enum ElementCopy {
    /// Copies of at least this many elements are split across threads: the element-wise
    /// kernels' threshold (a count of elements, whatever their type).
    static var parallelCount: Int { ElementwiseKernels<Float>.parallelCount }

    /// Copies `count` elements: a plain loop for a handful (a call to memmove would cost more),
    /// memmove for medium arrays, and contiguous chunks on ``ComputeThreads/current`` threads for
    /// large ones (a compiled MLP step, when it still copied its batch and its new weights of
    /// 200 k elements each: 125–127 → 144–150 k images/s when the host ran our CPUs on cores
    /// with separate L3 caches, 203–210 → 212–220 k when they shared one; Docs/Performance.md).
    @inline(__always)
    static func copy<T>(_ count: Int, from source: UnsafePointer<T>, to target: UnsafeMutablePointer<T>) {
        if count <= 64 {
            for index in 0..<count { target[index] = source[index] }
            return
        }
        let threads = count >= parallelCount ? ComputeThreads.current : 1
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
