// Direct NHWC convolution as an implicit GEMM, without an im2col matrix: the rows of A are
// output pixels read in place from framed images (or filter rows, for the filter gradient),
// so each window is read from cache where it lies.

/// One direct convolution over framed images: the windows, the strides, the output size.
struct DirectConvolution<T: VectorKernelScalar>: @unchecked Sendable {
    typealias Vector = T.Vector

    let frames: ImageFrames<T>
    let windowHeight: Int, windowWidth: Int
    let strideHeight: Int, strideWidth: Int
    let outputHeight: Int, outputWidth: Int

    /// Rows of a tile (and of the micro-kernel).
    static var mr: Int { Gemm<T>.mr }
    static var nr: Int { Gemm<T>.nr }

    /// Values of one window row (kw pixels of all channels): contiguous in a frame row.
    var windowRowLength: Int { windowWidth * frames.channels }
    /// Output pixels over the batch.
    var pixels: Int { frames.batch * outputHeight * outputWidth }
    /// Tiles of `mr` output pixels.
    var pixelTiles: Int { (pixels + Self.mr - 1) / Self.mr }
    /// Tiles of `mr` filter rows (of window height × window row length).
    var filterRowTiles: Int { (windowHeight * windowRowLength + Self.mr - 1) / Self.mr }

    /// The window rows (0..<windowHeight) that meet frame content for output row `row`.
    @inline(__always)
    func windowRows(forOutputRow row: Int) -> Range<Int> {
        let origin = row * strideHeight
        let first = max(0, frames.contentRows.lowerBound - origin)
        let end = min(windowHeight, frames.contentRows.upperBound - origin)
        return first..<max(first, end)
    }

    /// The output rows whose window row `windowRow` meets frame content.
    @inline(__always)
    func outputRows(forWindowRow windowRow: Int) -> Range<Int> {
        /// The first output row at or past which window row `windowRow` reaches `frameRow`.
        func firstRow(reaching frameRow: Int) -> Int {
            min(outputHeight, (max(0, frameRow - windowRow) + strideHeight - 1) / strideHeight)
        }
        let first = firstRow(reaching: frames.contentRows.lowerBound)
        return first..<max(first, firstRow(reaching: frames.contentRows.upperBound))
    }

    /// y = the direct convolution with the filter w(i, j, c, o) =
    /// `filter[i·strides.0 + j·strides.1 + c·strides.2 + o·strides.3]` (frame channels × `outputs`),
    /// its output pixels split into contiguous ranges of tiles over `threads` threads.
    func forward(filter: UnsafePointer<T>, strides: (Int, Int, Int, Int), outputs: Int, y: UnsafeMutablePointer<T>,
                 threads: Int) {
        let nr = Self.nr
        let count = (outputs + nr - 1) / nr * windowHeight * windowRowLength * nr
        let packed = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: count)
        defer { packed.deallocate() }
        Gemm<T>.packFilter(filter, strides: strides, height: windowHeight, width: windowWidth, inputs: frames.channels,
                           outputs: outputs, into: packed)
        let pointers = Unchecked((UnsafePointer(packed), y))
        ConvolutionKernels<T>.run(pixelTiles, threads: threads) { tiles in
            forward(tiles: tiles, packedFilter: pointers.value.0, outputs: outputs, y: pointers.value.1)
        }
    }

    /// y[pixel, o] = Σ_{i, j, c} frame[pixel's window (i, j), c] · w(i, j, c, o) for the output
    /// pixels of `tiles`, with the filter packed by ``Gemm/packFilter(_:strides:height:width:inputs:outputs:into:)``
    /// and y rows `outputs` wide. Window rows outside every tile pixel's frame content are skipped.
    func forward(tiles: Range<Int>, packedFilter: UnsafePointer<T>, outputs: Int, y: UnsafeMutablePointer<T>) {
        let (mr, nr) = (Self.mr, Self.nr)
        let panelLength = windowHeight * windowRowLength * nr
        let inner = DepthLoop(count: windowRowLength, aStep: 1, bStep: nr)
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: mr)
        defer { offsets.deallocate() }
        var cursor = PixelCursor(pixel: tiles.lowerBound * mr, height: outputHeight, width: outputWidth)
        for tile in tiles {
            let first = tile * mr, count = min(mr, pixels - first)
            var (firstRow, endRow) = (windowHeight, 0)
            for k in 0..<mr {
                if k < count {
                    offsets[k] = cursor.image * frames.imagePitch + cursor.row * strideHeight * frames.rowPitch
                        + cursor.column * strideWidth * frames.channels
                    let used = windowRows(forOutputRow: cursor.row)
                    if !used.isEmpty { (firstRow, endRow) = (min(firstRow, used.lowerBound), max(endRow, used.upperBound)) }
                    cursor.advance()
                } else {
                    offsets[k] = offsets[count - 1]
                }
            }
            if firstRow >= endRow { (firstRow, endRow) = (0, 0) }
            let rows = TileRows(frames.base + firstRow * frames.rowPitch, offsets)
            let middle = DepthLoop(count: endRow - firstRow, aStep: frames.rowPitch, bStep: windowRowLength * nr)
            for panel in stride(from: 0, to: outputs, by: nr) {
                Gemm<T>.convolutionKernel(
                    rows: rows, b: packedFilter + panel / nr * panelLength + firstRow * windowRowLength * nr, bColumns: nr,
                    outer: DepthLoop(count: 1, aStep: 0, bStep: 0), middle: middle, inner: inner,
                    c: y + first * outputs + panel, ldc: outputs, storedRows: count, columns: min(nr, outputs - panel),
                    adding: false)
            }
        }
    }

    /// w̄(f, o) = Σ_{pixels} frame[pixel's window at filter row f] · ȳ[pixel, o] for the
    /// (panel, filter-row tile) units `units` (panel-major), over the images `images`; the sum
    /// over these images is added to w̄ when `adding`. Output rows whose window row holds no
    /// frame content for any row of a tile are skipped.
    func filterGradient(units: Range<Int>, images: Range<Int>, gy: UnsafePointer<T>, outputs: Int,
                        gw: UnsafeMutablePointer<T>, adding: Bool) {
        let (mr, nr) = (Self.mr, Self.nr)
        let filterRows = windowHeight * windowRowLength
        let outputPitch = outputHeight * outputWidth * outputs
        let outer = DepthLoop(count: images.count, aStep: frames.imagePitch, bStep: outputPitch)
        let inner = DepthLoop(count: outputWidth, aStep: strideWidth * frames.channels, bStep: outputs)
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: mr)
        defer { offsets.deallocate() }
        for unit in units {
            let (panel, tile) = ((unit / filterRowTiles) * nr, unit % filterRowTiles)
            let first = tile * mr, count = min(mr, filterRows - first)
            var (firstRow, endRow) = (outputHeight, 0)
            for k in 0..<mr {
                let row = first + min(k, count - 1)
                let (windowRow, rest) = row.quotientAndRemainder(dividingBy: windowRowLength)
                offsets[k] = windowRow * frames.rowPitch + rest
                let used = outputRows(forWindowRow: windowRow)
                if !used.isEmpty { (firstRow, endRow) = (min(firstRow, used.lowerBound), max(endRow, used.upperBound)) }
            }
            if firstRow >= endRow { (firstRow, endRow) = (0, 0) }
            let start = images.lowerBound * frames.imagePitch + firstRow * strideHeight * frames.rowPitch
            let middle = DepthLoop(count: endRow - firstRow, aStep: strideHeight * frames.rowPitch,
                                   bStep: outputWidth * outputs)
            Gemm<T>.convolutionKernel(
                rows: TileRows(frames.base + start, offsets),
                b: gy + images.lowerBound * outputPitch + firstRow * outputWidth * outputs + panel,
                bColumns: outputs - panel, outer: outer, middle: middle, inner: inner,
                c: gw + first * outputs + panel, ldc: outputs, storedRows: count, columns: min(nr, outputs - panel),
                adding: adding)
        }
    }
}

/// Walks output pixels (image, row, column) in row-major order.
struct PixelCursor {
    var image: Int, row: Int, column: Int
    let height: Int, width: Int

    init(pixel: Int, height: Int, width: Int) {
        (self.height, self.width) = (height, width)
        let (image, rest) = pixel.quotientAndRemainder(dividingBy: height * width)
        (self.image, row, column) = (image, rest / width, rest % width)
    }

    @inline(__always)
    mutating func advance() {
        column += 1
        guard column == width else { return }
        column = 0
        row += 1
        guard row == height else { return }
        row = 0
        image += 1
    }
}
