import KernelSupport

extension Gemm {
    /// The kernel-table entry for a batch of products (``GemmBatch``). A batch of at least two
    /// products large enough for threads shares its products out, each computed on one thread
    /// (no fork/join or packing per product); otherwise each product runs as ``multiply(_:)``
    /// runs it, threaded when large. Either way every product is computed as ``multiply(_:)``
    /// computes it, so the result does not depend on the thread count.
    static func multiplyBatch(_ operands: GemmOperands<T>, _ batch: GemmBatch) {
        let threads = KernelThreads.current
        let volume = operands.m * operands.n * operands.k
        guard threads > 1, batch.count > 1, volume * batch.count >= parallelVolume else {
            for i in 0..<batch.count { multiply(product(i, of: operands, batch)) }
            return
        }
        WorkerPool.shared.runChunks(of: batch.count, threads: threads) { products in
            for i in products { multiply(product(i, of: operands, batch), threaded: false) }
        }
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
