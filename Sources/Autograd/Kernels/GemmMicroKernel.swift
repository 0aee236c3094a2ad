// The register-tiled micro-kernel: a 6 × NR block of C (NR = one `Panel`: 16 Float, 32 with
// AVX-512, or 8 Double) held in six panels (twelve 256-bit registers with AVX2, twelve 512-bit
// ones with AVX-512) while k advances; each step loads one row of packed B, broadcasts six
// values of A and issues six panel FMAs.

/// A 6-row block of C in registers, one panel per row.
struct GemmTile<Panel: PanelLanes> {
    var row0 = Panel.zero, row1 = Panel.zero, row2 = Panel.zero, row3 = Panel.zero, row4 = Panel.zero, row5 = Panel.zero

    @inline(__always)
    subscript(row: Int) -> Panel {
        switch row {
        case 0: row0
        case 1: row1
        case 2: row2
        case 3: row3
        case 4: row4
        default: row5
        }
    }
}

extension Gemm {
    /// The tile Σₚ A(i, p) B(p, ·) over `depth` steps, with A(i, p) at `a[i·rowStride + p·step]`
    /// and B's row p at `b + p·bRowStride` (`nr` when packed). Explicit FMAs, accumulated from
    /// zero in p order.
    @inline(__always)
    static func tile(depth: Int, a: UnsafePointer<T>, rowStride: Int, step: Int, b: UnsafePointer<T>,
                     bRowStride: Int) -> GemmTile<Panel> {
        var t = GemmTile<Panel>()
        var a = a, b = b
        for _ in 0..<depth {
            let row = b.loadVector(as: Panel.self)
            t.row0 = t.row0.addingProduct(Panel(repeating: a[0]), row)
            t.row1 = t.row1.addingProduct(Panel(repeating: a[rowStride]), row)
            t.row2 = t.row2.addingProduct(Panel(repeating: a[2 * rowStride]), row)
            t.row3 = t.row3.addingProduct(Panel(repeating: a[3 * rowStride]), row)
            t.row4 = t.row4.addingProduct(Panel(repeating: a[4 * rowStride]), row)
            t.row5 = t.row5.addingProduct(Panel(repeating: a[5 * rowStride]), row)
            a += step
            b += bRowStride
        }
        return t
    }

    /// The micro-kernel: six rows of A (a packed panel or A itself, through the view's strides)
    /// times one panel of B's columns (a packed panel, or rows `bRowStride` apart); writes or
    /// adds the first `rows` × `columns` of the tile to C.
    @inline(never)
    static func kernel(depth: Int, a: StridedMatrix<T>, b: UnsafePointer<T>, bRowStride: Int,
                       c: UnsafeMutablePointer<T>, ldc: Int, rows: Int, columns: Int, adding: Bool) {
        let t = tile(depth: depth, a: a.base, rowStride: a.rowStride, step: a.columnStride, b: b, bRowStride: bRowStride)
        store(t, to: c, ldc: ldc, rows: rows, columns: columns, adding: adding)
    }

    /// Writes (or adds) the first `rows` × `columns` of a tile to C.
    @inline(__always)
    static func store(_ t: GemmTile<Panel>, to c: UnsafeMutablePointer<T>, ldc: Int, rows: Int, columns: Int, adding: Bool) {
        for i in 0..<rows {
            let row = c + i * ldc, value = t[i]
            if columns == nr {
                row.storeVector(adding ? UnsafePointer(row).loadVector(as: Panel.self) + value : value)
            } else {
                for j in 0..<columns { row[j] = adding ? row[j] + value[j] : value[j] }
            }
        }
    }
}
