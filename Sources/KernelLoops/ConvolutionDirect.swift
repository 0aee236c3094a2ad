import KernelSupport

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

    let source: ImageFrames<T>
    /// Output pixel (r, c) has its window's top-left cell on source pixel
    /// (r·strideHeight − top, c·strideWidth − left) (outside the images when negative).
    let top: Int, left: Int
    let windowHeight: Int, windowWidth: Int
    let strideHeight: Int, strideWidth: Int
    let outputHeight: Int, outputWidth: Int

    /// Rows of a tile (and of the micro-kernel).
    /// Rows of a tile: the six of ``TileRows``.
    static var mr: Int { 6 }
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

    /// Output pixels of the images `images` whose windows meet the source content in the same
    /// window cells: output rows `rows` × columns `columns`, window cells `windowRows` × `windowColumns`.
    struct PixelGroup {
        var images: Range<Int>
        var rows: Range<Int>, columns: Range<Int>
        var windowRows: Range<Int>, windowColumns: Range<Int>
        /// Tiles of the groups before this one.
        var firstTile: Int
        var pixels: Int
    }

    /// The pixel groups of each block of `mr` images (so that a block's images stay in cache
    /// while all its groups run, and every group of a whole block fills whole tiles), in
    /// row-major order of their (row run, column run) within a block; and the total tile count.
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
        for first in stride(from: 0, to: max(1, source.batch), by: Self.mr) {
            let images = first..<min(source.batch, first + Self.mr)
            for (rows, windowRows) in rowRuns {
                for (columns, windowColumns) in columnRuns {
                    let pixels = images.count * rows.count * columns.count
                    groups.append(PixelGroup(images: images, rows: rows, columns: columns, windowRows: windowRows,
                                             windowColumns: windowColumns, firstTile: tiles, pixels: pixels))
                    tiles += (pixels + Self.mr - 1) / Self.mr
                }
            }
        }
        return (groups, tiles)
    }

    /// y = the direct convolution with the filter w(i, j, c, o) =
    /// `filter[i·strides.0 + j·strides.1 + c·strides.2 + o·strides.3]` (source channels × `outputs`),
    /// plus `bias` (one per output, then rectified when `rectify`) if given, its tiles split into
    /// contiguous ranges over `threads` threads.
    func forward(filter: UnsafePointer<T>, strides: (Int, Int, Int, Int), outputs: Int, bias: UnsafePointer<T>?,
                 rectify: Bool, y: UnsafeMutablePointer<T>, threads: Int) {
        let nr = Self.nr
        let count = (outputs + nr - 1) / nr * windowHeight * windowRowLength * nr
        let packed = alignedBuffer(T.self, count: count)
        defer { packed.deallocate() }
        Gemm<T>.packFilter(filter, strides: strides, height: windowHeight, width: windowWidth, inputs: source.channels,
                           outputs: outputs, into: packed)
        let (groups, tiles) = pixelGroups()
        let pointers = Unchecked((UnsafePointer(packed), y, bias))
        WorkerPool.shared.runChunks(of: tiles, threads: threads) { tiles in
            let (packedFilter, y, bias) = pointers.value
            forward(tiles: tiles, groups: groups, packedFilter: packedFilter, outputs: outputs, bias: bias, rectify: rectify, y: y)
        }
    }

    /// y[pixel, o] = Σ_{i, j, c} source[pixel's window (i, j), c] · w(i, j, c, o) (+ bias[o], then
    /// rectified when `rectify`, if given) for the output pixels of `tiles`, with the filter packed
    /// by ``Gemm/packFilter(_:strides:height:width:inputs:outputs:into:)`` and y rows `outputs`
    /// wide. Each tile walks only its group's window cells.
    func forward(tiles: Range<Int>, groups: [PixelGroup], packedFilter: UnsafePointer<T>, outputs: Int,
                 bias: UnsafePointer<T>?, rectify: Bool, y: UnsafeMutablePointer<T>) {
        let (mr, nr) = (Self.mr, Self.nr)
        let (channels, rowPitch) = (source.channels, source.width * source.channels)
        let panelLength = windowHeight * windowRowLength * nr
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 2 * mr)
        defer { offsets.deallocate() }
        let outputOffsets = offsets + mr
        var index = 0
        var cursor = PixelCursor(pixel: 0, in: groups[0]), cursorAt = (group: -1, tile: -1)
        for tile in tiles {
            while tile >= groups[index].firstTile + (groups[index].pixels + mr - 1) / mr { index += 1 }
            let group = groups[index]
            let first = (tile - group.firstTile) * mr, count = min(mr, group.pixels - first)
            if cursorAt != (index, tile) { cursor = PixelCursor(pixel: first, in: group) }
            cursorAt = (index, tile + 1)
            let (cellRow, cellColumn) = (group.windowRows.lowerBound, group.windowColumns.lowerBound)
            for k in 0..<count {
                let (image, r, c) = (cursor.image, cursor.row, cursor.column)
                offsets[k] = ((image * source.height + r * strideHeight - top + cellRow) * source.width
                              + c * strideWidth - left + cellColumn) * channels
                outputOffsets[k] = ((image * outputHeight + r) * outputWidth + c) * outputs
                cursor.advance()
            }
            for k in count..<mr { (offsets[k], outputOffsets[k]) = (offsets[count - 1], outputOffsets[count - 1]) }
            let rows = TileRows(source.base, offsets)
            let filter = packedFilter + (cellRow * windowWidth + cellColumn) * channels * nr
            let middle = DepthLoop(count: group.windowRows.count, aStep: rowPitch, bStep: windowRowLength * nr)
            let inner = DepthLoop(count: group.windowColumns.count * channels, aStep: 1, bStep: nr)
            for panel in stride(from: 0, to: outputs, by: nr) {
                Gemm<T>.convolutionKernel(
                    rows: rows, b: filter + panel / nr * panelLength, outer: DepthLoop(count: 1, aStep: 0, bStep: 0),
                    middle: middle, inner: inner, c: y + panel, cOffsets: outputOffsets, storedRows: count,
                    columns: min(nr, outputs - panel), adding: false, bias: bias.map { $0 + panel }, rectify: rectify)
            }
        }
    }

    /// Walks the pixels of a group in order: image, output row, output column.
    struct PixelCursor {
        var image: Int, row: Int, column: Int
        let rows: Range<Int>, columns: Range<Int>

        /// The cursor on the group's pixel number `pixel`.
        init(pixel: Int, in group: PixelGroup) {
            (rows, columns) = (group.rows, group.columns)
            let (image, rest) = pixel.quotientAndRemainder(dividingBy: max(1, rows.count * columns.count))
            let (row, column) = rest.quotientAndRemainder(dividingBy: max(1, columns.count))
            (self.image, self.row, self.column) = (group.images.lowerBound + image, rows.lowerBound + row,
                                                   columns.lowerBound + column)
        }

        @inline(__always)
        mutating func advance() {
            column += 1
            guard column == columns.upperBound else { return }
            column = columns.lowerBound
            row += 1
            guard row == rows.upperBound else { return }
            row = rows.lowerBound
            image += 1
        }
    }

    /// A tile of six filter rows for the filter gradient: the rows `first ..< first + count`
    /// (the last repeated to fill the tile), and the output rows and columns whose windows put
    /// any of them on content (the others read only zeros).
    struct FilterTile {
        var first: Int, count: Int
        var rows: Range<Int>, columns: Range<Int>
    }

    /// The output positions (along one axis, `count` of them moved by `stride`) whose window
    /// cell `cell` lies on `content` of a frame.
    @inline(__always)
    static func positions(reaching content: Range<Int>, from cell: Int, stride: Int, count: Int) -> Range<Int> {
        let offsets = cells(from: cell, size: count * stride, content: content)
        return (offsets.lowerBound + stride - 1) / stride..<(offsets.upperBound + stride - 1) / stride
    }

    /// The filter-gradient tiles, and each tile's six row offsets in a frame at `offsets`
    /// (`mr` per tile). The source must hold every window whole (framed images, `top` and
    /// `left` zero).
    func filterTiles(offsets: UnsafeMutablePointer<Int>) -> [FilterTile] {
        let mr = Self.mr, channels = source.channels
        let filterRows = windowHeight * windowRowLength
        return (0..<filterRowTiles).map { tile in
            let first = tile * mr, count = min(mr, filterRows - first)
            var (rows, columns) = (outputHeight..<outputHeight, outputWidth..<outputWidth)
            func widen(_ range: inout Range<Int>, _ other: Range<Int>) {
                guard !other.isEmpty else { return }
                range = range.isEmpty ? other : min(range.lowerBound, other.lowerBound)..<max(range.upperBound, other.upperBound)
            }
            for k in 0..<mr {
                let (windowRow, rest) = (first + min(k, count - 1)).quotientAndRemainder(dividingBy: windowRowLength)
                offsets[tile * mr + k] = windowRow * source.width * channels + rest
                widen(&rows, Self.positions(reaching: source.contentRows, from: windowRow, stride: strideHeight,
                                            count: outputHeight))
                widen(&columns, Self.positions(reaching: source.contentColumns, from: rest / channels, stride: strideWidth,
                                               count: outputWidth))
            }
            return FilterTile(first: first, count: count, rows: rows.isEmpty ? 0..<0 : rows,
                              columns: columns.isEmpty ? 0..<0 : columns)
        }
    }

    /// Where the filter gradient reads ȳ for a block of images: the vector of output channels
    /// panel·nr ..< (panel + 1)·nr of the block's pixel p at `base + panel·panelStride + p·pixelStride`.
    /// Packed by ``Gemm/packB(_:depth:columns:into:)``, or ȳ itself when its rows are whole
    /// vectors.
    struct GradientLayout {
        var base: UnsafePointer<T>, panelStride: Int, pixelStride: Int
    }

    /// w̄(f, o) = Σ_{pixels} source[pixel's window at filter row f] · ȳ[pixel, o] for the
    /// (filter tile, panel) units `units` (tile-major) of `tiles` (with their row offsets at
    /// `offsets`, see ``filterTiles(offsets:)``), over the images `images` whose ȳ lies as
    /// `gradient` says; the sum over these images is added to w̄ when `adding`.
    func filterGradient(units: Range<Int>, tiles: [FilterTile], offsets: UnsafePointer<Int>, images: Range<Int>,
                        gradient: GradientLayout, outputs: Int, gw: UnsafeMutablePointer<T>, adding: Bool) {
        let (mr, nr, pixel) = (Self.mr, Self.nr, gradient.pixelStride)
        let panels = (outputs + nr - 1) / nr
        let (imagePixels, rowPitch, channels) = (outputHeight * outputWidth, source.width * source.channels, source.channels)
        let outer = DepthLoop(count: images.count, aStep: source.height * rowPitch, bStep: imagePixels * pixel)
        let outputOffsets = UnsafeMutablePointer<Int>.allocate(capacity: mr)
        defer { outputOffsets.deallocate() }
        for k in 0..<mr { outputOffsets[k] = k * outputs }
        for unit in units {
            let (index, panel) = unit.quotientAndRemainder(dividingBy: panels)
            let tile = tiles[index]
            let start = images.lowerBound * source.height * rowPitch + tile.rows.lowerBound * strideHeight * rowPitch
                + tile.columns.lowerBound * strideWidth * channels
            Gemm<T>.convolutionKernel(
                rows: TileRows(source.base + start, offsets + index * mr),
                b: gradient.base + panel * gradient.panelStride
                    + (tile.rows.lowerBound * outputWidth + tile.columns.lowerBound) * pixel,
                outer: outer,
                middle: DepthLoop(count: tile.rows.count, aStep: strideHeight * rowPitch, bStep: outputWidth * pixel),
                inner: DepthLoop(count: tile.columns.count, aStep: strideWidth * channels, bStep: pixel),
                c: gw + tile.first * outputs + panel * nr, cOffsets: outputOffsets, storedRows: tile.count,
                columns: min(nr, outputs - panel * nr), adding: adding, bias: nil, rectify: false)
        }
    }
}
