import KernelSupport

/// A row-major walk over a dense array of `dimensions` paired with offsets into a second array
/// through `strides` (0 along broadcast axes, permuted for a transpose), cut into rows.
///
/// Axes of size 1 are dropped and neighbours merged where the strided array also steps through
/// them as one axis (the outer stride is the inner one times the inner size), so a head split
/// [B, T, H, D] → [B, H, T, D] walks 3 axes with rows of D, and [B, 1, T] → [B, H, T] walks
/// [B, H, T] with rows of T. Kernels then treat each row as one run: contiguous (stride 1),
/// repeated (stride 0) or strided.
struct StridedWalk {
    /// The merged dimensions, outermost first; at least one axis (a single element walks [1]).
    let dimensions: [Int]
    /// The strided array's step along each merged axis.
    let strides: [Int]

    init(dimensions: [Int], strides: [Int]) {
        var merged: [Int] = [], steps: [Int] = []
        for (size, step) in zip(dimensions, strides) where size != 1 {
            if let outer = merged.last, steps.last == step * size {
                merged[merged.count - 1] = outer * size
                steps[steps.count - 1] = step
            } else {
                merged.append(size)
                steps.append(step)
            }
        }
        (self.dimensions, self.strides) = merged.isEmpty ? ([1], [0]) : (merged, steps)
    }

    /// The number of elements.
    var elementCount: Int { dimensions.elementCount }
    /// The length of each row (the innermost merged axis).
    var rowLength: Int { dimensions[dimensions.count - 1] }
    /// The strided array's step along a row.
    var rowStride: Int { strides[strides.count - 1] }
    /// The number of rows.
    var rowCount: Int { dimensions.dropLast().reduce(1, *) }

    /// Calls `body(denseOffset, stridedOffset)` at the start of each row in `rows`, in order.
    @inline(__always)
    func forEachRow(in rows: Range<Int>, _ body: (_ denseOffset: Int, _ stridedOffset: Int) -> Void) {
        var denseOffset = rows.lowerBound * rowLength
        Array(dimensions.dropLast()).forEachOffset(strides: Array(strides.dropLast()), positions: rows) { stridedOffset in
            body(denseOffset, stridedOffset)
            denseOffset += rowLength
        }
    }
}
