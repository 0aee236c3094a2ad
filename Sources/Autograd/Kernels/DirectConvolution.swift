// Direct NHWC convolution as an implicit GEMM, without an im2col matrix: the rows of A are
// output pixels read in place from the images (or filter rows, for the filter gradient), so
// each window is read from cache where it lies.
//
// Windows that overhang the images are never read outside: output pixels whose windows meet
// the images in the same rectangle of window cells form a group, and a tile of six pixels of
// one group walks only that rectangle. So zero padding costs neither a copy nor a multiply.

/// One direct convolution: the images, where each output pixel's window lies on them, the
/// window and the output size.
struct DirectConvolution<T: VectorKernelScalar>: @unchecked Sendable {
    typealias Vector = T.Vector

    let source: ImageFrames<T>
    /// Output pixel (r, c) has its window's top-left cell on source pixel
    /// (r·strideHeight − top, c·strideWidth − left) (outside the images when negative).
    let top: Int, left: Int
    let windowHeight: Int, windowWidth: Int
    let strideHeight: Int, strideWidth: Int
    let outputHeight: Int, outputWidth: Int

    /// Rows of a tile (and of the micro-kernel).
    static var mr: Int { Gemm<T>.mr }
    static var nr: Int { Gemm<T>.nr }

    /// Values of one window row (kw pixels of all channels): contiguous in a source row.
    var windowRowLength: Int { windowWidth * source.channels }
    /// Tiles of `mr` filter rows (of window height × window row length).
    var filterRowTiles: Int { (windowHeight * windowRowLength + Self.mr - 1) / Self.mr }

    /// The window cells along one axis that fall on source content, for the output position
    /// whose window starts at source position `origin`.
    @inline(__always)
    static func cells(from origin: Int, size: Int, content: Range<Int>) -> Range<Int> {
        let first = max(0, content.lowerBound - origin)
        return first..<max(first, min(size, content.upperBound - origin))
    }

    /// Output pixels of every image whose windows meet the source content in the same window
    /// cells: output rows `rows` × columns `columns`, window cells `windowRows` × `windowColumns`.
    struct PixelGroup {
        var rows: Range<Int>, columns: Range<Int>
        var windowRows: Range<Int>, windowColumns: Range<Int>
        /// Tiles of the groups before this one.
        var firstTile: Int
        var pixels: Int
    }

    /// The pixel groups in row-major order of their (row run, column run), and the total tile count.
    func pixelGroups() -> (groups: [PixelGroup], tiles: Int) {
        /// Runs of consecutive positions 0..<count sharing the same range of cells.
        func runs(_ count: Int, _ cells: (Int) -> Range<Int>) -> [(Range<Int>, Range<Int>)] {
            var result: [(Range<Int>, Range<Int>)] = []
            for position in 0..<count {
                let range = cells(position)
                if let last = result.last, last.1 == range {
                    result[result.count - 1].0 = last.0.lowerBound..<(position + 1)
                } else {
                    result.append((position..<(position + 1), range))
                }
            }
            return result
        }
        let rowRuns = runs(outputHeight) {
            Self.cells(from: $0 * strideHeight - top, size: windowHeight, content: source.contentRows)
        }
        let columnRuns = runs(outputWidth) {
            Self.cells(from: $0 * strideWidth - left, size: windowWidth, content: source.contentColumns)
        }
        var groups: [PixelGroup] = [], tiles = 0
        for (rows, windowRows) in rowRuns {
            for (columns, windowColumns) in columnRuns {
                let pixels = source.batch * rows.count * columns.count
                groups.append(PixelGroup(rows: rows, columns: columns, windowRows: windowRows,
                                         windowColumns: windowColumns, firstTile: tiles, pixels: pixels))
                tiles += (pixels + Self.mr - 1) / Self.mr
            }
        }
        return (groups, tiles)
    }

    /// y = the direct convolution with the filter w(i, j, c, o) =
    /// `filter[i·strides.0 + j·strides.1 + c·strides.2 + o·strides.3]` (source channels × `outputs`),
    /// its tiles split into contiguous ranges over `threads` threads.
    func forward(filter: UnsafePointer<T>, strides: (Int, Int, Int, Int), outputs: Int, y: UnsafeMutablePointer<T>,
                 threads: Int) {
        let nr = Self.nr
        let count = (outputs + nr - 1) / nr * windowHeight * windowRowLength * nr
        let packed = alignedBuffer(T.self, count: count)
        defer { packed.deallocate() }
        Gemm<T>.packFilter(filter, strides: strides, height: windowHeight, width: windowWidth, inputs: source.channels,
                           outputs: outputs, into: packed)
        let (groups, tiles) = pixelGroups()
        let pointers = Unchecked((UnsafePointer(packed), y))
        ConvolutionKernels<T>.run(tiles, threads: threads) { tiles in
            forward(tiles: tiles, groups: groups, packedFilter: pointers.value.0, outputs: outputs, y: pointers.value.1)
        }
    }

    /// y[pixel, o] = Σ_{i, j, c} source[pixel's window (i, j), c] · w(i, j, c, o) for the
    /// output pixels of `tiles`, with the filter packed by ``Gemm/packFilter(_:strides:height:width:inputs:outputs:into:)``
    /// and y rows `outputs` wide. Each tile walks only its group's window cells.
    func forward(tiles: Range<Int>, groups: [PixelGroup], packedFilter: UnsafePointer<T>, outputs: Int,
                 y: UnsafeMutablePointer<T>) {
        let (mr, nr) = (Self.mr, Self.nr)
        let (channels, rowPitch) = (source.channels, source.width * source.channels)
        let panelLength = windowHeight * windowRowLength * nr
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 2 * mr)
        defer { offsets.deallocate() }
        let outputOffsets = offsets + mr
        var index = 0
        for tile in tiles {
            while tile >= groups[index].firstTile + (groups[index].pixels + mr - 1) / mr { index += 1 }
            let group = groups[index]
            let first = (tile - group.firstTile) * mr, count = min(mr, group.pixels - first)
            let (cellRow, cellColumn) = (group.windowRows.lowerBound, group.windowColumns.lowerBound)
            for k in 0..<mr {
                let pixel = first + min(k, count - 1)
                let (image, rest) = pixel.quotientAndRemainder(dividingBy: group.rows.count * group.columns.count)
                let (row, column) = rest.quotientAndRemainder(dividingBy: group.columns.count)
                let (r, c) = (group.rows.lowerBound + row, group.columns.lowerBound + column)
                offsets[k] = ((image * source.height + r * strideHeight - top + cellRow) * source.width
                              + c * strideWidth - left + cellColumn) * channels
                outputOffsets[k] = ((image * outputHeight + r) * outputWidth + c) * outputs
            }
            let rows = TileRows(source.base, offsets)
            let filter = packedFilter + (cellRow * windowWidth + cellColumn) * channels * nr
            let middle = DepthLoop(count: group.windowRows.count, aStep: rowPitch, bStep: windowRowLength * nr)
            let inner = DepthLoop(count: group.windowColumns.count * channels, aStep: 1, bStep: nr)
            for panel in stride(from: 0, to: outputs, by: nr) {
                Gemm<T>.convolutionKernel(
                    rows: rows, b: filter + panel / nr * panelLength, outer: DepthLoop(count: 1, aStep: 0, bStep: 0),
                    middle: middle, inner: inner, c: y + panel, cOffsets: outputOffsets, storedRows: count,
                    columns: min(nr, outputs - panel), adding: false)
            }
        }
    }

    /// w̄(f, o) = Σ_{pixels} source[pixel's window at filter row f] · ȳ[pixel, o] for the
    /// (filter-row tile, panel) units `units` (tile-major), over the images `images` whose ȳ is
    /// packed by ``Gemm/packB(_:depth:columns:into:)`` at `packedGradient`; the sum over these
    /// images is added to w̄ when `adding`. The source must hold every window whole (framed
    /// images, `top` and `left` zero); output rows whose window row meets no content rows for
    /// any row of a tile are skipped.
    func filterGradient(units: Range<Int>, images: Range<Int>, packedGradient: UnsafePointer<T>, outputs: Int,
                        gw: UnsafeMutablePointer<T>, adding: Bool) {
        let (mr, nr) = (Self.mr, Self.nr)
        let filterRows = windowHeight * windowRowLength
        let panels = (outputs + nr - 1) / nr
        let (imagePixels, rowPitch) = (outputHeight * outputWidth, source.width * source.channels)
        let outer = DepthLoop(count: images.count, aStep: source.height * rowPitch, bStep: imagePixels * nr)
        let inner = DepthLoop(count: outputWidth, aStep: strideWidth * source.channels, bStep: nr)
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 2 * mr)
        defer { offsets.deallocate() }
        let outputOffsets = offsets + mr
        for k in 0..<mr { outputOffsets[k] = k * outputs }
        for unit in units {
            let (tile, panel) = unit.quotientAndRemainder(dividingBy: panels)
            let first = tile * mr, count = min(mr, filterRows - first)
            var (firstRow, endRow) = (outputHeight, 0)
            for k in 0..<mr {
                let (windowRow, rest) = (first + min(k, count - 1)).quotientAndRemainder(dividingBy: windowRowLength)
                offsets[k] = windowRow * rowPitch + rest
                // Output rows r whose window row lands on content: r·sh + windowRow in contentRows.
                let rows = Self.cells(from: windowRow, size: outputHeight * strideHeight, content: source.contentRows)
                let used = (rows.lowerBound + strideHeight - 1) / strideHeight..<(rows.upperBound + strideHeight - 1) / strideHeight
                if !used.isEmpty { (firstRow, endRow) = (min(firstRow, used.lowerBound), max(endRow, used.upperBound)) }
            }
            if firstRow >= endRow { (firstRow, endRow) = (0, 0) }
            let start = images.lowerBound * source.height * rowPitch + firstRow * strideHeight * rowPitch
            let middle = DepthLoop(count: endRow - firstRow, aStep: strideHeight * rowPitch, bStep: outputWidth * nr)
            Gemm<T>.convolutionKernel(
                rows: TileRows(source.base + start, offsets),
                b: packedGradient + (panel * images.count * imagePixels + firstRow * outputWidth) * nr,
                outer: outer, middle: middle, inner: inner, c: gw + first * outputs + panel * nr, cOffsets: outputOffsets,
                storedRows: count, columns: min(nr, outputs - panel * nr), adding: adding)
        }
    }
}
