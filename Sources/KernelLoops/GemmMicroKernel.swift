import KernelSupport

// The register-tiled micro-kernel: a 6 × NR block of C (NR = one `Panel`: 16 Float, 32 with
// AVX-512, or 8 Double) held in six panels (twelve 256-bit registers with AVX2) while k
// advances; each step loads one row of packed B, broadcasts six values of A and issues six
// panel FMAs. With AVX-512's 32 registers the kernel holds two such tiles, rows 0..<6 and
// 6..<12 (`mr` = 12: 24 registers of accumulators for Float, 12 for Double), and each row of B
// it loads serves twelve rows of A instead of six.

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
    /// One step of a tile: row i += aᵢ · B(p, ·), for the six values a of A's column p.
    @inline(__always)
    static func accumulate(_ t: inout GemmTile<Panel>, _ a: (T, T, T, T, T, T), _ row: Panel) {
        t.row0 = t.row0.addingProduct(Panel(repeating: a.0), row)
        t.row1 = t.row1.addingProduct(Panel(repeating: a.1), row)
        t.row2 = t.row2.addingProduct(Panel(repeating: a.2), row)
        t.row3 = t.row3.addingProduct(Panel(repeating: a.3), row)
        t.row4 = t.row4.addingProduct(Panel(repeating: a.4), row)
        t.row5 = t.row5.addingProduct(Panel(repeating: a.5), row)
    }

    /// ``accumulate(_:_:_:)`` with A(i, p) at `a[i·rowStride]`.
    @inline(__always)
    static func accumulate(_ t: inout GemmTile<Panel>, _ a: UnsafePointer<T>, rowStride: Int, _ row: Panel) {
        accumulate(&t, (a[0], a[rowStride], a[2 * rowStride], a[3 * rowStride], a[4 * rowStride], a[5 * rowStride]), row)
    }

    /// The tile Σₚ A(i, p) B(p, ·) over `depth` steps, with A(i, p) at `a[i·rowStride + p·step]`
    /// and B's row p at `b + p·bRowStride` (`nr` when packed). Explicit FMAs, accumulated from
    /// zero in p order.
    @inline(__always)
    static func tile(depth: Int, a: UnsafePointer<T>, rowStride: Int, step: Int, b: UnsafePointer<T>,
                     bRowStride: Int) -> GemmTile<Panel> {
        var t = GemmTile<Panel>()
        var a = a, b = b
        for _ in 0..<depth {
            accumulate(&t, a, rowStride: rowStride, b.loadVector(as: Panel.self))
            a += step
            b += bRowStride
        }
        return t
    }

    /// Two tiles at once, rows 0..<6 and 6..<12 of A, sharing each row of B.
    @inline(__always)
    static func tilePair(depth: Int, a: UnsafePointer<T>, rowStride: Int, step: Int, b: UnsafePointer<T>,
                         bRowStride: Int) -> (GemmTile<Panel>, GemmTile<Panel>) {
        var t = GemmTile<Panel>(), u = GemmTile<Panel>()
        var a = a, b = b
        for _ in 0..<depth {
            let row = b.loadVector(as: Panel.self)
            accumulate(&t, a, rowStride: rowStride, row)
            accumulate(&u, a + 6 * rowStride, rowStride: rowStride, row)
            a += step
            b += bRowStride
        }
        return (t, u)
    }

    /// The micro-kernel: `mr` rows of A (a packed panel or A itself, through the view's strides)
    /// times one panel of B's columns (a packed panel, or rows `bRowStride` apart); writes or
    /// adds the first `rows` × `columns` of the tile to C.
    @inline(never)
    static func kernel(depth: Int, a: StridedMatrix<T>, b: UnsafePointer<T>, bRowStride: Int,
                       c: UnsafeMutablePointer<T>, ldc: Int, rows: Int, columns: Int, adding: Bool) {
        if mr == 12 {
            let (t, u) = tilePair(depth: depth, a: a.base, rowStride: a.rowStride, step: a.columnStride, b: b,
                                  bRowStride: bRowStride)
            store(t, to: c, ldc: ldc, rows: min(6, rows), columns: columns, adding: adding)
            if rows > 6 { store(u, to: c + 6 * ldc, ldc: ldc, rows: rows - 6, columns: columns, adding: adding) }
        } else {
            let t = tile(depth: depth, a: a.base, rowStride: a.rowStride, step: a.columnStride, b: b, bRowStride: bRowStride)
            store(t, to: c, ldc: ldc, rows: rows, columns: columns, adding: adding)
        }
    }

    /// Writes (or adds) the first `rows` × `columns` of a tile to C.
    @inline(__always)
    static func store(_ t: GemmTile<Panel>, to c: UnsafeMutablePointer<T>, ldc: Int, rows: Int, columns: Int, adding: Bool) {
        for i in 0..<rows { store(t[i], to: c + i * ldc, columns: columns, adding: adding) }
    }

    /// Writes (or adds) the first `columns` lanes of one tile row to `row`.
    @inline(__always)
    static func store(_ value: Panel, to row: UnsafeMutablePointer<T>, columns: Int, adding: Bool) {
        if columns == nr {
            row.storeVector(adding ? UnsafePointer(row).loadVector(as: Panel.self) + value : value)
        } else {
            for j in 0..<columns { row[j] = adding ? row[j] + value[j] : value[j] }
        }
    }
}
