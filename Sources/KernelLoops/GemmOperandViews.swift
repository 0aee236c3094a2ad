import KernelSupport

/// A read-only matrix seen through two strides: element (i, j) is at `base[i·rowStride + j·columnStride]`.
/// A transposed operand is the same memory with the strides swapped, so no kernel copies a
/// whole matrix to transpose it.
struct StridedMatrix<Scalar>: @unchecked Sendable {
    var base: UnsafePointer<Scalar>
    var rowStride: Int
    var columnStride: Int

    @inline(__always)
    subscript(row: Int, column: Int) -> Scalar { base[row * rowStride + column * columnStride] }

    /// The view starting at (row, column).
    @inline(__always)
    func offset(row: Int, column: Int) -> StridedMatrix {
        StridedMatrix(base: base + row * rowStride + column * columnStride, rowStride: rowStride, columnStride: columnStride)
    }
}

/// `C = op(A)·op(B)` (or `C += …`) as strided views: A is m × k, B is k × n, C is m × n row-major.
struct GemmProblem<Scalar: KernelScalar>: @unchecked Sendable {
    var m: Int, n: Int, k: Int
    var a: StridedMatrix<Scalar>
    var b: StridedMatrix<Scalar>
    var c: UnsafeMutablePointer<Scalar>
    var ldc: Int
    var accumulate: Bool

    init(_ g: GemmOperands<Scalar>) {
        (m, n, k) = (g.m, g.n, g.k)
        a = StridedMatrix(base: g.a, rowStride: g.transposeA ? 1 : g.lda, columnStride: g.transposeA ? g.lda : 1)
        b = StridedMatrix(base: g.b, rowStride: g.transposeB ? 1 : g.ldb, columnStride: g.transposeB ? g.ldb : 1)
        (c, ldc, accumulate) = (g.c, g.ldc, g.accumulate)
    }

    /// The sub-problem of output rows `rows` (all columns).
    func rows(_ rows: Range<Int>) -> GemmProblem {
        var part = self
        part.m = rows.count
        part.a = a.offset(row: rows.lowerBound, column: 0)
        part.c = c + rows.lowerBound * ldc
        return part
    }

    /// The sub-problem of output columns `columns` (all rows).
    func columns(_ columns: Range<Int>) -> GemmProblem {
        var part = self
        part.n = columns.count
        part.b = b.offset(row: 0, column: columns.lowerBound)
        part.c = c + columns.lowerBound
        return part
    }

    /// The sub-problem of output columns `columns` over the depth `depth` of A and B: it adds
    /// to C unless it is the first depth block of a product that overwrites C.
    func block(columns: Range<Int>, depth: Range<Int>) -> GemmProblem {
        var part = self.columns(columns)
        part.k = depth.count
        part.a = a.offset(row: 0, column: depth.lowerBound)
        part.b = part.b.offset(row: depth.lowerBound, column: 0)
        part.accumulate = accumulate || depth.lowerBound > 0
        return part
    }
}
