/// Copying elements between buffers, for callers that move whole tensors (a compiled
/// function's inputs and new state).
enum ElementCopy {
    /// Copies of at least this many elements are split across threads (as the element-wise
    /// kernels split theirs).
    static var parallelCount: Int { 1 << 16 }

    /// Copies `count` elements: a plain loop for a handful (a call to memmove would cost more),
    /// memmove for medium arrays, and contiguous chunks on ``ComputeThreads/current`` threads for
    /// large ones. Splitting helps twice: the copy is faster, and each thread finds its share in
    /// its own caches when the next operations read it (a compiled MLP step: 203–210 → 219–220 k
    /// images/s; Docs/Performance.md).
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
            WorkerPool.shared.runChunks(of: count, granularity: 16, threads: threads) { range in
                let (source, target) = pointers.value
                (target + range.lowerBound).update(from: source + range.lowerBound, count: range.count)
            }
        }
    }
}
