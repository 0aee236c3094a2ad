import KernelSupport

extension Gemm {
    /// The kernel-table entry for a batch of products (``GemmBatch``). A batch of at least two
    /// products large enough for threads shares its products out in chunks, each product computed
    /// on one thread (no fork/join per product); a single product runs as ``multiply(_:)`` runs
    /// it, threaded when large; other batches run on the calling thread. Either way every
    /// product is computed as ``multiply(_:)`` computes it, so the result does not depend on the
    /// thread count.
    static func multiplyBatch(_ operands: GemmOperands<T>, _ batch: GemmBatch) {
        let threads = KernelThreads.current
        let volume = operands.m * operands.n * operands.k
        if threads > 1 && batch.count == 1 {
            multiply(product(0, of: operands, batch))
        } else if threads > 1 && volume * batch.count >= parallelVolume {
            WorkerPool.shared.runChunks(of: batch.count, threads: threads) { multiply($0, of: operands, batch) }
        } else {
            multiply(0..<batch.count, of: operands, batch)
        }
    }

    /// Products `products` of `batch` on the calling thread, one after the other in one scratch
    /// buffer (all products have the same shape and strides), so that no product allocates;
    /// tiny products, which take the plain loop, need none.
    static func multiply(_ products: Range<Int>, of operands: GemmOperands<T>, _ batch: GemmBatch) {
        guard operands.m * operands.n * operands.k > smallVolume, !products.isEmpty else {
            for i in products { multiply(product(i, of: operands, batch), threaded: false) }
            return
        }
        let scratch = alignedBuffer(T.self, count: blockedScratchCount(GemmProblem(operands)))
        defer { scratch.deallocate() }
        for i in products { multiply(product(i, of: operands, batch), threaded: false, scratch: scratch) }
    }

    /// Product `i` of `batch`: `operands` with its matrices moved to the product's offsets.
    @inline(__always)
    static func product(_ i: Int, of operands: GemmOperands<T>, _ batch: GemmBatch) -> GemmOperands<T> {
        var product = operands
        product.a += batch.aOffsets[i]
        product.b += batch.bOffsets[i]
        product.c += i * batch.cStride
        return product
    }
}
