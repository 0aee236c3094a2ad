import KernelSupport

/// Fast pooling kernels: the `pool` and `poolGradient` table entries (NHWC images).
///
/// Every loop runs along the channels of one pixel, contiguous in NHWC, in plain scalar code
/// that the compiler vectorises (generic SIMD masks are not: they run lane by lane). Windows are
/// walked cell by cell with the reference's formulas and order, so results are bit-identical to
/// ``ReferenceKernels``. Images are split across threads; every output (and, for the
/// gradients, every input cell) belongs to one image, so any split gives the same result.
enum PoolingKernels<T: VectorKernelScalar> {
    /// The table entries: each runs on ``threads(for:)`` threads.
    static func pool(_ operation: PoolingKernel, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                     _ g: PoolingGeometry) {
        pool(operation, x, y, g, threads: threads(for: g))
    }

    static func poolGradient(_ operation: PoolingGradientKernel, _ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                             _ g: PoolingGeometry) {
        poolGradient(operation, gy, gx, g, threads: threads(for: g))
    }

    /// The threads for `g`: one for small poolings, ``KernelThreads/current`` otherwise.
    static func threads(for g: PoolingGeometry) -> Int {
        g.inputShape.elementCount >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
    }

    /// ``PoolingKernel`` `operation` on `threads` threads.
    static func pool(_ operation: PoolingKernel, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                     _ g: PoolingGeometry, threads: Int) {
        guard g.window.batch > 0 else { return }  // no images: nothing to write
        let pointers = Unchecked((x, y, operation))
        WorkerPool.shared.runChunks(of: g.window.batch, threads: threads) { images in
            let (x, y, operation) = pointers.value
            let outputs = g.outputShape.elementCount / g.window.batch
            switch operation {
            case .average: average(x, y, g, images)
            case .maximum(let routes): maximum(x, y, routes, g, images)
            case .gather(let routes):
                for i in (images.lowerBound * outputs)..<(images.upperBound * outputs) { y[i] = x[routes[i]] }
            }
        }
    }

    /// ``PoolingGradientKernel`` `operation` on `threads` threads.
    static func poolGradient(_ operation: PoolingGradientKernel, _ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                             _ g: PoolingGeometry, threads: Int) {
        guard g.window.batch > 0 else { return }  // no images: nothing to write
        let pointers = Unchecked((gy, gx, operation))
        WorkerPool.shared.runChunks(of: g.window.batch, threads: threads) { images in
            let (gy, gx, operation) = pointers.value
            if g.window.tilesInput {
                switch operation {
                case .average: return averageGradient(gy, gx, g, images)
                case .scatter(let routes): return scatterGradient(gy, gx, routes, g, images)
                }
            }
            let (inputs, outputs) = (g.inputShape.elementCount / g.window.batch, g.outputShape.elementCount / g.window.batch)
            (gx + images.lowerBound * inputs).update(repeating: 0, count: images.count * inputs)
            switch operation {
            case .average:
                let scale = 1 / T(g.window.area)
                g.forEachWindow(images) { pixel, cells in
                    let gradient = gy + pixel * g.channels
                    cells.forEach { cell in
                        let target = gx + cell
                        for c in 0..<g.channels { target[c] += scale * gradient[c] }
                    }
                }
            case .scatter(let routes):
                for i in (images.lowerBound * outputs)..<(images.upperBound * outputs) { gx[routes[i]] += gy[i] }
            }
        }
    }

    /// The average-pooling gradient when the windows tile the input (each input cell in exactly
    /// one window): every cell is written once, with no zeroing pass first. Each value is
    /// 0 + its one contribution, as the accumulating loop computes it (a −0 contribution gives
    /// +0).
    static func averageGradient(_ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>, _ g: PoolingGeometry,
                                _ images: Range<Int>) {
        let scale = 1 / T(g.window.area)
        g.forEachWindow(images) { pixel, cells in
            let gradient = gy + pixel * g.channels
            cells.forEach { cell in
                let target = gx + cell
                for c in 0..<g.channels { target[c] = 0 + scale * gradient[c] }
            }
        }
    }

    /// The max-pooling gradient when the windows tile the input: every cell is written once,
    /// 0 + ȳ where it won its window's channel and 0 elsewhere, the values of the zeroing pass
    /// followed by the scatter, without a pass over memory for each.
    static func scatterGradient(_ gy: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>, _ routes: UnsafePointer<Int>,
                                _ g: PoolingGeometry, _ images: Range<Int>) {
        g.forEachWindow(images) { pixel, cells in
            let (gradient, route) = (gy + pixel * g.channels, routes + pixel * g.channels)
            cells.forEach { cell in
                let target = gx + cell
                for c in 0..<g.channels { target[c] = route[c] == cell &+ c ? 0 + gradient[c] : 0 }
            }
        }
    }

    /// Average pooling of `images`: y = Σ scale · x over each window, in cell order from zero.
    static func average(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: PoolingGeometry, _ images: Range<Int>) {
        let scale = 1 / T(g.window.area)
        g.forEachWindow(images) { pixel, cells in
            let output = y + pixel * g.channels
            output.update(repeating: 0, count: g.channels)
            cells.forEach { cell in
                let source = x + cell
                for c in 0..<g.channels { output[c] += scale * source[c] }
            }
        }
    }

    /// Max pooling of `images` with the winners' input offsets in `routes`: a later cell wins
    /// only when strictly larger (so NaNs after the first cell never win), as in the reference.
    /// Each channel's winner is tracked as the cell's offset from its window's origin, an integer
    /// as wide as `T` (a select of such integers on a comparison of `T`s vectorises), then
    /// widened and moved by the origin and the channel: every loop is a vector loop.
    ///
    /// The running maximum and winner move between two buffers, cell by cell (each step reads
    /// one and writes the other), arranged so that the last step writes `y`. Updated in place,
    /// `best[c] = wins ? value : best[c]` compiles to a masked store (`vmaskmovps`), slow on AMD
    /// cores: in a profile, when max pooling took 5 % of a step, half of the kernel's samples fell
    /// on the instruction right after it.
    static func maximum(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ routes: UnsafeMutablePointer<Int>,
                        _ g: PoolingGeometry, _ images: Range<Int>) {
        let channels = g.channels
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: channels)
        let winners = UnsafeMutablePointer<T.RawSignificand>.allocate(capacity: 2 * channels)
        defer { scratch.deallocate(); winners.deallocate() }
        g.forEachWindow(images) { pixel, cells in
            let output = y + pixel * channels
            // After the first cell, every cell is one step; the step count's parity decides
            // where the first cell goes so that the last step lands in `output`.
            let steps = cells.rows.count * cells.columns.count - 1
            var (best, other) = steps % 2 == 0 ? (output, scratch) : (scratch, output)
            var (won, wonOther) = (winners, winners + channels)
            var isFirst = true
            cells.forEach { cell in
                let source = x + cell
                let offset = T.RawSignificand(truncatingIfNeeded: cell &- cells.origin)
                if isFirst {
                    best.update(from: source, count: channels)
                    won.update(repeating: offset, count: channels)
                    isFirst = false
                    return
                }
                for c in 0..<channels {
                    // Both loads unconditional (in a ternary, won[c] would be read only when
                    // needed, which compiles to a masked load).
                    let value = source[c], largest = best[c], winner = won[c], wins = value > largest
                    other[c] = wins ? value : largest
                    wonOther[c] = wins ? offset : winner
                }
                swap(&best, &other)
                swap(&won, &wonOther)
            }
            let route = routes + pixel * channels
            for c in 0..<channels { route[c] = cells.origin &+ Int(truncatingIfNeeded: won[c]) &+ c }
        }
    }
}

/// The input cells of one pooling window that lie inside the image, as element offsets of
/// their first channel: rows `rows` × columns `columns` from `origin`.
struct WindowCells {
    let origin: Int, rowPitch: Int, pixelPitch: Int
    let rows: Range<Int>, columns: Range<Int>

    /// Calls `body` with each cell's offset in row-major window order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        for i in rows {
            for j in columns { body(origin + i * rowPitch + j * pixelPitch) }
        }
    }
}

extension SlidingWindow {
    /// Whether the windows tile the input: side by side without overlap or padding, covering
    /// every input cell once (a 2×2 pooling with stride 2 of an even-sized image, say).
    var tilesInput: Bool {
        strideHeight == windowHeight && strideWidth == windowWidth && padding == .zero
            && outputHeight * windowHeight == inputHeight && outputWidth * windowWidth == inputWidth
    }
}

extension PoolingGeometry {
    /// Calls `body(outputPixel, cells)` for every output pixel of `images` in row-major order
    /// (pixels numbered over the batch), with its window's cells inside the image.
    @inline(__always)
    func forEachWindow(_ images: Range<Int>, _ body: (Int, WindowCells) -> Void) {
        let s = window
        let (pixelPitch, rowPitch) = (channels, s.inputWidth * channels)
        for image in images {
            for row in 0..<s.outputHeight {
                let top = row * s.strideHeight - s.padding.top
                let rows = max(0, -top)..<min(s.windowHeight, s.inputHeight - top)
                for column in 0..<s.outputWidth {
                    let left = column * s.strideWidth - s.padding.left
                    let origin = ((image * s.inputHeight + top) * s.inputWidth + left) * channels
                    let cells = WindowCells(origin: origin, rowPitch: rowPitch, pixelPitch: pixelPitch, rows: rows,
                                            columns: max(0, -left)..<min(s.windowWidth, s.inputWidth - left))
                    body((image * s.outputHeight + row) * s.outputWidth + column, cells)
                }
            }
        }
    }
}
