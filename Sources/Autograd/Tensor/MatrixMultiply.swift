import KernelSupport

/// The matrix product `C = op(A)·op(B)`, or `C += op(A)·op(B)` when `accumulate`, on row-major
/// buffers: the kernel behind ``matmul(_:_:transposeA:transposeB:file:line:)``, for the
/// package's code that manages its own memory (`bench`).
///
/// `op(A)` is m × k and `op(B)` is k × n; `A` is stored m × k (k × m when `transposeA`) with
/// `lda` elements between rows, likewise `B`; `C` is m × n with `ldc` elements between rows.
/// Runs on ``ComputeThreads/current`` threads when the product is large enough; the result does
/// not depend on the thread count.
package func multiplyMatrices<Scalar: TensorScalar>(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool = false,
    b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool = false,
    c: UnsafeMutablePointer<Scalar>, ldc: Int, accumulate: Bool = false,
    file: StaticString = #fileID, line: UInt = #line
) {
    guard m >= 0, n >= 0, k >= 0,
          lda >= max(1, transposeA ? m : k), ldb >= max(1, transposeB ? k : n), ldc >= max(1, n) else {
        fatalError("multiplyMatrices: m \(m), n \(n), k \(k) do not fit lda \(lda), ldb \(ldb), ldc \(ldc)",
                            file: file, line: line)
    }
    Scalar.kernels.gemm(GemmOperands(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA,
                                      b: b, ldb: ldb, transposeB: transposeB, c: c, ldc: ldc, accumulate: accumulate))
}
