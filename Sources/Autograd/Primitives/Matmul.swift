import KernelSupport

// Matrix product of two rank-2 tensors, optionally transposing either operand in place.
// With C = A·B: Ā = C̄·Bᵀ and B̄ = Aᵀ·C̄ (seed 004 (5.8) is the case B = a vector: ∂C/∂W = δ aᵀ);
// the transposed forms follow by transposing these identities. Pushforward: Ȧ·B + A·Ḃ.

/// The matrix product op(a) · op(b), where op transposes when asked. Both operands are rank 2.
@_specialize(where Scalar == Float)
public func matmul<Scalar: TensorScalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposeA: Bool = false, transposeB: Bool = false,
    file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard a.rank == 2, b.rank == 2 else {
        Tensor<Scalar>.shapeMismatch("matmul", a.shape, b.shape, "must both be rank 2", file: file, line: line)
    }
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else {
        let forms = "\(transposeA ? "transposed " : "")\(a.shape) · \(transposeB ? "transposed " : "")\(b.shape)"
        Tensor<Scalar>.shapeMismatch("matmul", a.shape, b.shape, "do not chain (\(forms): inner dimensions \(k) and \(kb))",
                                     file: file, line: line)
    }
    let (lda, ldb) = (a.shape[1], b.shape[1])
    let gemm = Scalar.kernels.gemm
    let forward: Forward<Scalar> = { inputs, output in
        gemm(GemmOperands(m: m, n: n, k: k,
                                          a: inputs.first, lda: lda, transposeA: transposeA,
                                          b: inputs.second, ldb: ldb, transposeB: transposeB,
                                          c: output, ldc: n, accumulate: false))
    }
    return .applying(.matmul, forward, to: a, b, shape: [m, n]) {
        .bilinear(a, b, product: { matmul($0, $1, transposeA: transposeA, transposeB: transposeB) },
        first: { c in
            switch (transposeA, transposeB) {
            case (false, false): matmul(c, b, transposeB: true)
            case (true, false): matmul(b, c, transposeB: true)
            case (false, true): matmul(c, b)
            case (true, true): matmul(b, c, transposeA: true, transposeB: true)
            }
        },
        second: { c in
            switch (transposeA, transposeB) {
            case (false, false): matmul(a, c, transposeA: true)
            case (true, false): matmul(a, c)
            case (false, true): matmul(c, a, transposeA: true)
            case (true, true): matmul(c, a, transposeA: true, transposeB: true)
            }
        })
    }
}
