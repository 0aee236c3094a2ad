import KernelSupport

/// The `addBias` table entry: `y[r, c] = x[r, c] + b[c]` for `rows` rows of `columns`, then
/// max(0, ·) when `rectify`. A layer's bias and its ReLU in one pass over the output, in place of
/// a broadcast copy of the bias, an addition and a ReLU (three passes, two temporaries).
///
/// Each row walks its columns one `Vector` at a time, then element by element (the same formula
/// on ``ElementwiseLanes``). Large outputs are split into chunks of rows across
/// ``KernelThreads/current`` threads (each element's result cannot depend on the split).
enum BiasKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    static func addBias(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                        rows: Int, columns: Int, rectify: Bool) {
        let threads = rows * columns >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return addBiasChunk(x, bias, y, rows: 0..<rows, columns: columns, rectify: rectify) }
        let pointers = Unchecked((x, bias, y))
        WorkerPool.shared.runChunks(of: rows, threads: threads) { range in
            let (x, bias, y) = pointers.value
            addBiasChunk(x, bias, y, rows: range, columns: columns, rectify: rectify)
        }
    }

    /// One inlined loop for each value of `rectify`.
    static func addBiasChunk(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                             rows: Range<Int>, columns: Int, rectify: Bool) {
        if rectify {
            map(x, bias, y, rows: rows, columns: columns, rectify: true)
        } else {
            map(x, bias, y, rows: rows, columns: columns, rectify: false)
        }
    }

    /// `y[r, c] = x[r, c] + b[c]`, rectified or not, over `rows`, a vector of columns at a time.
    @_transparent
    static func map(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                    rows: Range<Int>, columns: Int, rectify: Bool) {
        let width = Vector.scalarCount, whole = columns / width * width
        for row in rows {
            let x = x + row * columns, y = y + row * columns
            for column in stride(from: 0, to: whole, by: width) {
                (y + column).storeVector(biased((x + column).loadVector(), (bias + column).loadVector(), rectify: rectify))
            }
            for column in whole..<columns {
                y[column] = biased(x[column], bias[column], rectify: rectify)
            }
        }
    }

    /// x + b, then max(0, ·) when `rectify`.
    @inline(__always)
    static func biased<Lanes: ElementwiseLanes>(_ x: Lanes, _ bias: Lanes, rectify: Bool) -> Lanes where Lanes.Element == T {
        let sum = x + bias
        return rectify ? Lanes.choosing(sum, whereAboveZero: sum, otherwise: Lanes(repeating: 0)) : sum
    }
}
