import KernelSupport

// Matrix products of rank-2 tensors, and batches of them over any leading axes (broadcast under
// NumPy rules), optionally transposing either operand in place (its last two axes).
// With C = A·B: Ā = C̄·Bᵀ and B̄ = Aᵀ·C̄ (seed 004 (5.8) is the case B = a vector: ∂C/∂W = δ aᵀ);
// the transposed forms follow by transposing these identities, and an operand broadcast over
// the batch receives its cotangent summed over the axes it was broadcast along.
// Pushforward: Ȧ·B + A·Ḃ.

/// The matrix product op(a) · op(b), where op transposes the last two axes when asked. Both
/// operands have rank 2 or more: axes before the last two are batch axes, broadcast against
/// each other as NumPy's and PyTorch's `matmul` do ([B, H, T, d] · [B, H, d, T] is B·H products;
/// [B, T, d] · [d, e] multiplies every slice by one matrix). Each product runs the GEMM kernel;
/// a batch shares its products out among the threads.
@_specialize(where Scalar == Float)
public func matmul<Scalar: TensorScalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposeA: Bool = false, transposeB: Bool = false,
    file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard a.rank >= 2, b.rank >= 2 else {
        Tensor<Scalar>.shapeMismatch("matmul", a.shape, b.shape, "must both be of rank 2 or more (matrices, or batches of them)",
                                     file: file, line: line)
    }
    let (rowsA, columnsA) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (rowsB, columnsB) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (columnsA, rowsA) : (rowsA, columnsA)
    let (kb, n) = transposeB ? (columnsB, rowsB) : (rowsB, columnsB)
    guard k == kb else {
        let forms = "\(transposeA ? "transposed " : "")\(a.shape) · \(transposeB ? "transposed " : "")\(b.shape)"
        Tensor<Scalar>.shapeMismatch("matmul", a.shape, b.shape, "do not chain (\(forms): inner dimensions \(k) and \(kb))",
                                     file: file, line: line)
    }
    let sizes = ProductSizes(m: m, n: n, k: k, lda: columnsA, ldb: columnsB, transposeA: transposeA, transposeB: transposeB)
    let forward: Forward<Scalar>, shape: Shape
    if a.rank == 2 && b.rank == 2 {
        let gemm = Scalar.kernels.gemm
        forward = { inputs, output in gemm(sizes.operands(inputs.first, inputs.second, output)) }
        shape = [m, n]
    } else {
        (forward, shape) = batchedProduct(a, b, sizes, file: file, line: line)
    }
    return .applying(.matmul, forward, to: a, b, shape: shape) {
        .bilinear(a, b, product: { matmul($0, $1, transposeA: transposeA, transposeB: transposeB) },
        first: { c in
            switch (transposeA, transposeB) {
            case (false, false): matmul(c, b, transposeB: true).summed(toShape: a.shape)
            case (true, false): matmul(b, c, transposeB: true).summed(toShape: a.shape)
            case (false, true): matmul(c, b).summed(toShape: a.shape)
            case (true, true): matmul(b, c, transposeA: true, transposeB: true).summed(toShape: a.shape)
            }
        },
        second: { c in
            switch (transposeA, transposeB) {
            case (false, false): matmul(a, c, transposeA: true).summed(toShape: b.shape)
            case (true, false): matmul(a, c).summed(toShape: b.shape)
            case (false, true): matmul(c, a, transposeA: true).summed(toShape: b.shape)
            case (true, true): matmul(c, a, transposeA: true, transposeB: true).summed(toShape: b.shape)
            }
        })
    }
}

/// The forward rule and output shape of the products of `a` and `b` over their batch axes
/// (all but the last two, broadcast against each other), or a stop if those do not broadcast.
private func batchedProduct<Scalar: TensorScalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, _ sizes: ProductSizes, file: StaticString, line: UInt
) -> (Forward<Scalar>, Shape) {
    let (batchA, batchB) = (Array(a.shape.dimensions.dropLast(2)), Array(b.shape.dimensions.dropLast(2)))
    guard let batch = Shape.broadcast(Shape(batchA), Shape(batchB)) else {
        Tensor<Scalar>.shapeMismatch("matmul", a.shape, b.shape, "have batch axes that do not broadcast", file: file, line: line)
    }
    let matrixSizes = (a: a.shape[a.rank - 2] * a.shape[a.rank - 1], b: b.shape[b.rank - 2] * b.shape[b.rank - 1])
    let offsets = GemmBatch(aOffsets: batchOffsets(batchA, in: batch.dimensions, matrixSize: matrixSizes.a),
                            bOffsets: batchOffsets(batchB, in: batch.dimensions, matrixSize: matrixSizes.b),
                            cStride: sizes.m * sizes.n)
    let batchedGemm = Scalar.kernels.batchedGemm
    let forward: Forward<Scalar> = { inputs, output in batchedGemm(sizes.operands(inputs.first, inputs.second, output), offsets) }
    return (forward, Shape(batch.dimensions + [sizes.m, sizes.n]))
}

/// The sizes and forms of one matrix product, kept by its forward rule.
private struct ProductSizes {
    let m: Int, n: Int, k: Int, lda: Int, ldb: Int
    let transposeA: Bool, transposeB: Bool

    /// The product of the matrices at `a` and `b` into `c`.
    @inline(__always)
    func operands<Scalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>) -> GemmOperands<Scalar> {
        GemmOperands(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                     c: c, ldc: n, accumulate: false)
    }
}

/// The offset of each product's matrix in an operand with batch axes `operand`, for the
/// products of `batch` in row-major order (the operand's axes right-aligned against the batch;
/// an axis of size 1 or a missing one repeats its matrix).
func batchOffsets(_ operand: [Int], in batch: [Int], matrixSize: Int) -> [Int] {
    let strides = operand.strides.map { $0 * matrixSize }
    let shift = batch.count - operand.count
    let steps = batch.indices.map { $0 < shift || operand[$0 - shift] == 1 ? 0 : strides[$0 - shift] }
    var offsets = [Int]()
    batch.forEachOffset(strides: steps) { offsets.append($0) }
    return offsets
}
