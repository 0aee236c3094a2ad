import KernelSupport

// Packing: copying a block of an operand into the order the micro-kernel reads it, so that the
// kernel's loads are contiguous whatever the operand's strides. A transposed operand is packed
// from its strided view; the loop order follows the source's unit stride. Edge panels are
// zero-filled first, so the kernel can always compute whole tiles.

extension Gemm {
    /// Packs `rows` × `depth` of A into panels of `mr` rows (`mr` × `depth` elements each, zero
    /// rows past the last), and returns the view of the first panel; panel q starts q·mr·depth
    /// further. A row-major A keeps its rows (each row of the panel contiguous, a plain copy);
    /// a transposed A keeps its columns (the `mr` values of each step contiguous).
    static func packA(_ a: StridedMatrix<T>, rows: Int, depth: Int, into buffer: UnsafeMutablePointer<T>) -> StridedMatrix<T> {
        let byRows = a.columnStride == 1
        let (rowStride, step) = byRows ? (depth, 1) : (1, mr)
        var panel = buffer
        for first in stride(from: 0, to: rows, by: mr) {
            let height = min(mr, rows - first)
            if height < mr { panel.update(repeating: 0, count: mr * depth) }
            let source = a.offset(row: first, column: 0)
            if byRows {
                for i in 0..<height { (panel + i * depth).update(from: source.base + i * source.rowStride, count: depth) }
            } else if height == mr && source.rowStride == 1 {
                // A whole panel of a transposed A: `mr` contiguous values per step, copied six
                // at a time with no inner loop.
                for j in 0..<depth {
                    for six in stride(from: 0, to: mr, by: 6) {
                        let (from, to) = (source.base + j * source.columnStride + six, panel + j * mr + six)
                        (to[0], to[1], to[2], to[3], to[4], to[5]) = (from[0], from[1], from[2], from[3], from[4], from[5])
                    }
                }
            } else {
                copy(source, rows: height, columns: depth, into: panel, rowStride: 1, columnStride: mr)
            }
            panel += mr * depth
        }
        return StridedMatrix(base: buffer, rowStride: rowStride, columnStride: step)
    }

    /// Packs `depth` × `columns` of B into panels of `nr` columns: panel q holds, for each p in
    /// `0..<depth`, the `nr` values B(p, q·nr + j) (zeros past the last column).
    static func packB(_ b: StridedMatrix<T>, depth: Int, columns: Int, into buffer: UnsafeMutablePointer<T>) {
        var panel = buffer
        for first in stride(from: 0, to: columns, by: nr) {
            let width = min(nr, columns - first)
            let source = b.offset(row: 0, column: first)
            if source.columnStride == 1 {
                for p in 0..<depth {
                    let row = source.base + p * source.rowStride
                    let values = width == nr ? row.loadVector(as: Panel.self) : row.loadVector(count: width, as: Panel.self)
                    (panel + p * nr).storeVector(values)
                }
            } else {
                if width < nr { panel.update(repeating: 0, count: nr * depth) }
                if source.rowStride == 1 {
                    packTransposed(source, depth: depth, columns: width, into: panel)
                } else {
                    copy(source, rows: depth, columns: width, into: panel, rowStride: nr, columnStride: 1)
                }
            }
            panel += nr * depth
        }
    }

    /// Packs one panel of a transposed B (B(p, j) at `base[p + j·columnStride]`, each column
    /// contiguous): whole blocks of `Vector.scalarCount` × `Vector.scalarCount` transposed in
    /// registers (``TransposingLanes/transposeBlock(_:sourceRowStride:into:destinationRowStride:)``), the
    /// remaining rows and columns copied element by element.
    static func packTransposed(_ source: StridedMatrix<T>, depth: Int, columns: Int, into panel: UnsafeMutablePointer<T>) {
        let w = Vector.scalarCount
        let (wholeDepth, wholeColumns) = (depth / w * w, columns / w * w)
        for j in stride(from: 0, to: wholeColumns, by: w) {
            for p in stride(from: 0, to: wholeDepth, by: w) {
                Vector.transposeBlock(source.base + j * source.columnStride + p, sourceRowStride: source.columnStride,
                                      into: panel + p * nr + j, destinationRowStride: nr)
            }
        }
        copy(source.offset(row: wholeDepth, column: 0), rows: depth - wholeDepth, columns: wholeColumns,
             into: panel + wholeDepth * nr, rowStride: nr, columnStride: 1)
        copy(source.offset(row: 0, column: wholeColumns), rows: depth, columns: columns - wholeColumns,
             into: panel + wholeColumns, rowStride: nr, columnStride: 1)
    }

    /// Copies a `rows` × `columns` view into `destination` with the given strides, walking the
    /// source along its unit-stride axis in the inner loop.
    @inline(__always)
    static func copy(_ source: StridedMatrix<T>, rows: Int, columns: Int,
                     into destination: UnsafeMutablePointer<T>, rowStride: Int, columnStride: Int) {
        if source.rowStride == 1 && source.columnStride != 1 {
            for j in 0..<columns {
                let from = source.base + j * source.columnStride, to = destination + j * columnStride
                for i in 0..<rows { to[i * rowStride] = from[i] }
            }
        } else {
            for i in 0..<rows {
                let from = source.base + i * source.rowStride, to = destination + i * rowStride
                for j in 0..<columns { to[j * columnStride] = from[j * source.columnStride] }
            }
        }
    }
}
