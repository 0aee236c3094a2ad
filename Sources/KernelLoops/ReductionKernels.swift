import KernelSupport

/// The largest or smallest element along one axis and where it is: the `extremum` entry,
/// behind max/min reductions and argmax/argmin.
///
/// Along a contiguous axis (inner 1) each row is scanned a vector at a time for its extreme
/// and any NaN, then once more, element by element, for the first position that holds it (the
/// first NaN when there is one). Along another axis the inner positions are scanned side by
/// side. Large arrays split their outer rows across threads; a row is never split, so the
/// results do not depend on the thread count.
enum ReductionKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    static func extremum(_ x: UnsafePointer<T>, _ layout: AxisLayout, _ maximum: Bool,
                         _ y: UnsafeMutablePointer<T>, _ routes: UnsafeMutablePointer<Int>) {
        let large = layout.outer * layout.size * layout.inner >= KernelThreads.elementwiseParallelCount
        let threads = large && layout.outer > 1 ? KernelThreads.current : 1
        guard threads > 1 else { return extremum(x, layout, maximum, y, routes, rows: 0..<layout.outer) }
        let pointers = Unchecked((x, y, routes))
        WorkerPool.shared.runChunks(of: layout.outer, threads: threads) { rows in
            let (x, y, routes) = pointers.value
            extremum(x, layout, maximum, y, routes, rows: rows)
        }
    }

    /// The extremes of outer rows `rows`.
    static func extremum(_ x: UnsafePointer<T>, _ layout: AxisLayout, _ maximum: Bool,
                         _ y: UnsafeMutablePointer<T>, _ routes: UnsafeMutablePointer<Int>, rows: Range<Int>) {
        let (size, inner) = (layout.size, layout.inner)
        for row in rows {
            let base = row * size * inner
            if inner == 1 {
                let position = extremePosition(x + base, size, maximum)
                (y[row], routes[row]) = (x[base + position], base + position)
                continue
            }
            let (values, offsets) = (y + row * inner, routes + row * inner)
            for j in 0..<inner { (values[j], offsets[j]) = (x[base + j], base + j) }
            for i in 1..<Swift.max(size, 1) {
                let line = base + i * inner
                for j in 0..<inner where wins(x[line + j], over: values[j], maximum) {
                    (values[j], offsets[j]) = (x[line + j], line + j)
                }
            }
        }
    }

    /// Whether `candidate` replaces `best`: it is beyond it, or it is the first NaN.
    @inline(__always)
    static func wins(_ candidate: T, over best: T, _ maximum: Bool) -> Bool {
        (maximum ? candidate > best : candidate < best) || (candidate.isNaN && !best.isNaN)
    }

    /// The position of the first extreme of `count` (at least one) contiguous elements, or of
    /// the first NaN among them.
    static func extremePosition(_ row: UnsafePointer<T>, _ count: Int, _ maximum: Bool) -> Int {
        @inline(__always) func extreme<Lanes: MathLanes>(_ v: Lanes, _ best: Lanes) -> Lanes {
            maximum ? Lanes.choosing(v, where: v, isGreaterThan: best, otherwise: best)
                    : Lanes.choosing(v, where: best, isGreaterThan: v, otherwise: best)
        }
        let width = Vector.scalarCount
        let (zero, one) = (Vector(repeating: 0), Vector(repeating: 1))
        var (best, nans) = (Vector(repeating: row[0]), zero)
        var i = 0
        while i + width <= count {
            let v = (row + i).loadVector()
            best = extreme(v, best)
            nans += Vector.choosing(zero, where: v, equals: v, otherwise: one)
            i += width
        }
        var bestValue = row[0], hasNaN = nans != zero
        for lane in best.indices { bestValue = extreme(best[lane], bestValue) }
        for j in i..<count {
            bestValue = extreme(row[j], bestValue)
            hasNaN = hasNaN || row[j].isNaN
        }
        for j in 0..<count where hasNaN ? row[j].isNaN : row[j] == bestValue { return j }
        return 0
    }
}
