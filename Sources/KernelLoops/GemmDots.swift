import KernelSupport

// Products whose every element is a dot product of two contiguous rows: A row-major and B
// transposed (C = A·Bᵀ, e.g. a classifier's logits x·Wᵀ) with few columns, where one B vector
// per tile would waste lanes and packing B would cost more than the product. A 2 × 2 block of
// C is accumulated in four vectors running along k (eight 256-bit registers with AVX2, plus
// two rows of A and one of B: no spills); each vector's lanes are then added in order. The
// result depends only on the shape, never on the thread count.

extension Gemm {
    /// Whether `p` takes the dot-product path: both operands contiguous along k, at most 16
    /// columns, and k long enough to fill vectors.
    static func prefersDots(_ p: GemmProblem<T>) -> Bool {
        p.a.columnStride == 1 && p.b.rowStride == 1 && p.n <= 16 && p.k >= 4 * Vector.scalarCount
    }

    /// C (or C +) = A·Bᵀ by blocks of 2 × 2 dot products. Blocks at the edges repeat their last
    /// valid row or column and discard the extra results.
    static func multiplyDots(_ p: GemmProblem<T>) {
        for i0 in stride(from: 0, to: p.m, by: 2) {
            let rows = min(2, p.m - i0)
            let a0 = p.a.base + i0 * p.a.rowStride, a1 = a0 + (rows - 1) * p.a.rowStride
            for j0 in stride(from: 0, to: p.n, by: 2) {
                let columns = min(2, p.n - j0)
                let b0 = p.b.base + j0 * p.b.columnStride, b1 = b0 + (columns - 1) * p.b.columnStride
                let sums = dotBlock(k: p.k, a0, a1, b0, b1)
                for i in 0..<rows {
                    let c = p.c + (i0 + i) * p.ldc + j0
                    for j in 0..<columns {
                        let sum = i == 0 ? (j == 0 ? sums.0 : sums.1) : (j == 0 ? sums.2 : sums.3)
                        c[j] = p.accumulate ? c[j] + sum : sum
                    }
                }
            }
        }
    }

    /// The dot products (a0·b0, a0·b1, a1·b0, a1·b1) of two rows of A with two rows of Bᵀ.
    @inline(never)
    static func dotBlock(k: Int, _ a0: UnsafePointer<T>, _ a1: UnsafePointer<T>,
                         _ b0: UnsafePointer<T>, _ b1: UnsafePointer<T>) -> (T, T, T, T) {
        var s00 = Vector(), s01 = Vector(), s10 = Vector(), s11 = Vector()
        let width = Vector.scalarCount, whole = k / width * width
        for q in stride(from: 0, to: whole, by: width) {
            let x0 = (a0 + q).loadVector(), x1 = (a1 + q).loadVector()
            let y0 = (b0 + q).loadVector()
            s00 = s00.addingProduct(x0, y0)
            s10 = s10.addingProduct(x1, y0)
            let y1 = (b1 + q).loadVector()
            s01 = s01.addingProduct(x0, y1)
            s11 = s11.addingProduct(x1, y1)
        }
        if whole < k {
            let tail = k - whole
            let x0 = (a0 + whole).loadVector(count: tail), x1 = (a1 + whole).loadVector(count: tail)
            let y0 = (b0 + whole).loadVector(count: tail), y1 = (b1 + whole).loadVector(count: tail)
            s00 = s00.addingProduct(x0, y0)
            s01 = s01.addingProduct(x0, y1)
            s10 = s10.addingProduct(x1, y0)
            s11 = s11.addingProduct(x1, y1)
        }
        let sum = BroadcastKernels<T>.laneSum
        return (sum(s00), sum(s01), sum(s10), sum(s11))
    }
}
