import KernelSupport

// The register tile of the direct (implicit-GEMM) convolution kernels: six rows of A, each
// starting at its own address, against one panel of output channels (NR = 16 Float, 32 with
// AVX-512, or 8 Double), accumulated in the six panels of a ``GemmTile`` (twelve registers)
// over a depth walked by three nested loops with constant steps. The rows are output pixels
// (forward, input gradient) or filter rows (filter gradient); the loops walk window rows and
// channels, or images, output rows and output columns.

/// The start of each of the six A rows of a tile.
struct TileRows<T>: @unchecked Sendable {
    var r0, r1, r2, r3, r4, r5: UnsafePointer<T>

    /// Rows at `base + offsets[k]` (exactly six offsets).
    @inline(__always)
    init(_ base: UnsafePointer<T>, _ offsets: UnsafePointer<Int>) {
        (r0, r1, r2, r3, r4, r5) = (base + offsets[0], base + offsets[1], base + offsets[2],
                                    base + offsets[3], base + offsets[4], base + offsets[5])
    }
}

/// One loop level of the depth walk: `count` steps, A advancing by `aStep` and B by `bStep`.
struct DepthLoop {
    var count: Int, aStep: Int, bStep: Int
}

extension Gemm {
    /// The tile Σ A(row, p) · B(p, ·) over the depth p walked by `outer` × `middle` × `inner`
    /// (A's element for row k at `rows.rk[aOffset(p)]`, B's vector for p at `b + bOffset(p)`),
    /// accumulated in p order with explicit FMAs from zero.
    @inline(__always)
    static func convolutionTile(rows: TileRows<T>, b: UnsafePointer<T>, outer: DepthLoop, middle: DepthLoop,
                                inner: DepthLoop) -> GemmTile<Panel> {
        var t = GemmTile<Panel>()
        var outerA = 0, outerB = b
        for _ in 0..<outer.count {
            var middleA = outerA, middleB = outerB
            for _ in 0..<middle.count {
                var a = middleA, b = middleB
                for _ in 0..<inner.count {
                    accumulate(&t, (rows.r0[a], rows.r1[a], rows.r2[a], rows.r3[a], rows.r4[a], rows.r5[a]),
                               b.loadVector(as: Panel.self))
                    a += inner.aStep
                    b += inner.bStep
                }
                middleA += middle.aStep
                middleB += middle.bStep
            }
            outerA += outer.aStep
            outerB += outer.bStep
        }
        return t
    }

    /// ``convolutionTile(rows:b:outer:middle:inner:)``, its first `storedRows` × `columns`
    /// written to C (added when `adding`), row k at `c + cOffsets[k]`. With a `bias` (the
    /// tile's `columns` values), each row is first added to it and, when `rectify`, replaced by
    /// max(0, ·): the same operations as a separate bias pass, without reading C again.
    @inline(never)
    static func convolutionKernel(rows: TileRows<T>, b: UnsafePointer<T>, outer: DepthLoop, middle: DepthLoop,
                                  inner: DepthLoop, c: UnsafeMutablePointer<T>, cOffsets: UnsafePointer<Int>,
                                  storedRows: Int, columns: Int, adding: Bool, bias: UnsafePointer<T>?, rectify: Bool) {
        let t = convolutionTile(rows: rows, b: b, outer: outer, middle: middle, inner: inner)
        let biasRow = bias.map { columns == nr ? $0.loadVector(as: Panel.self) : $0.loadVector(count: columns, as: Panel.self) }
        for k in 0..<storedRows {
            let row = biasRow.map { BiasKernels<T>.biased(t[k], $0, rectify: rectify) } ?? t[k]
            store(row, to: c + cOffsets[k], columns: columns, adding: adding)
        }
    }
}
