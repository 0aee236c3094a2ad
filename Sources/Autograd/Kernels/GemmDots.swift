// Products whose every element is a dot product of two contiguous rows: A row-major and B
// transposed (C = A·Bᵀ, e.g. a classifier's logits x·Wᵀ) with few columns, where one B vector
// per tile would waste lanes and packing B would cost more than the product. A 4 × 3 block of
// C is accumulated in twelve vectors running along k; each vector's lanes are then added in
// order. The result depends only on the shape, never on the thread count.

extension Gemm {
    /// Rows and columns of one block of dot products.
    static var dotRows: Int { 4 }
    static var dotColumns: Int { 3 }

    /// Whether `p` takes the dot-product path: both operands contiguous along k, at most 16
    /// columns, and k long enough to fill vectors.
    static func prefersDots(_ p: GemmProblem<T>) -> Bool {
        p.a.columnStride == 1 && p.b.rowStride == 1 && p.n <= 16 && p.k >= 4 * nr
    }

    /// C (or C +) = A·Bᵀ by blocks of 4 × 3 dot products. Blocks at the edges repeat their last
    /// valid row or column and discard the extra results.
    static func multiplyDots(_ p: GemmProblem<T>) {
        withUnsafeTemporaryAllocation(of: T.self, capacity: dotRows * dotColumns) { sums in
            multiplyDots(p, sums: sums.baseAddress!)
        }
    }

    static func multiplyDots(_ p: GemmProblem<T>, sums: UnsafeMutablePointer<T>) {
        for i0 in stride(from: 0, to: p.m, by: dotRows) {
            let rows = min(dotRows, p.m - i0)
            let a0 = p.a.base + i0 * p.a.rowStride
            let a1 = a0 + min(1, rows - 1) * p.a.rowStride, a2 = a0 + min(2, rows - 1) * p.a.rowStride
            let a3 = a0 + min(3, rows - 1) * p.a.rowStride
            for j0 in stride(from: 0, to: p.n, by: dotColumns) {
                let columns = min(dotColumns, p.n - j0)
                let b0 = p.b.base + j0 * p.b.columnStride
                let b1 = b0 + min(1, columns - 1) * p.b.columnStride, b2 = b0 + min(2, columns - 1) * p.b.columnStride
                dotBlock(k: p.k, rows: (a0, a1, a2, a3), columns: (b0, b1, b2), into: sums)
                for i in 0..<rows {
                    let c = p.c + (i0 + i) * p.ldc + j0
                    for j in 0..<columns { c[j] = p.accumulate ? c[j] + sums[i * dotColumns + j] : sums[i * dotColumns + j] }
                }
            }
        }
    }

    /// The twelve dot products of four rows of A with three rows of Bᵀ, written row-major (4 × 3)
    /// to `sums`.
    @inline(never)
    static func dotBlock(k: Int, rows a: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>),
                         columns b: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>), into sums: UnsafeMutablePointer<T>) {
        var s00 = Vector(), s01 = Vector(), s02 = Vector(), s10 = Vector(), s11 = Vector(), s12 = Vector()
        var s20 = Vector(), s21 = Vector(), s22 = Vector(), s30 = Vector(), s31 = Vector(), s32 = Vector()
        @inline(__always)
        func step(_ x0: Vector, _ x1: Vector, _ x2: Vector, _ x3: Vector, _ y0: Vector, _ y1: Vector, _ y2: Vector) {
            s00 = s00.addingProduct(x0, y0); s01 = s01.addingProduct(x0, y1); s02 = s02.addingProduct(x0, y2)
            s10 = s10.addingProduct(x1, y0); s11 = s11.addingProduct(x1, y1); s12 = s12.addingProduct(x1, y2)
            s20 = s20.addingProduct(x2, y0); s21 = s21.addingProduct(x2, y1); s22 = s22.addingProduct(x2, y2)
            s30 = s30.addingProduct(x3, y0); s31 = s31.addingProduct(x3, y1); s32 = s32.addingProduct(x3, y2)
        }
        let whole = k / nr * nr
        for q in stride(from: 0, to: whole, by: nr) {
            step((a.0 + q).loadVector(), (a.1 + q).loadVector(), (a.2 + q).loadVector(), (a.3 + q).loadVector(),
                 (b.0 + q).loadVector(), (b.1 + q).loadVector(), (b.2 + q).loadVector())
        }
        if whole < k {
            let tail = k - whole
            step((a.0 + whole).loadVector(count: tail), (a.1 + whole).loadVector(count: tail),
                 (a.2 + whole).loadVector(count: tail), (a.3 + whole).loadVector(count: tail),
                 (b.0 + whole).loadVector(count: tail), (b.1 + whole).loadVector(count: tail),
                 (b.2 + whole).loadVector(count: tail))
        }
        for (index, vector) in [s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32].enumerated() {
            sums[index] = BroadcastKernels<T>.laneSum(vector)
        }
    }
}
