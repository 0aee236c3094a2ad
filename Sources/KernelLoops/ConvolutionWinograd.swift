import KernelSupport

// Winograd's minimal filtering F(m×m, r×r) for r×r convolutions with unit strides (Lavin and
// Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): F(4×4, 5×5) for 5×5 filters
// and F(6×6, 3×3) for 3×3 ones, both with the interpolation points 0, ±1, ±2, ±1/2 and ∞, so
// both on 8×8 patches (m + r − 1 = 8) with the same input transform Bᵀ. An m×m tile of output
// pixels is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for the 8×8 input patch d under it and the r×r filter g
// of each channel pair. Summed over the input channels, the 64 element-wise products become 64
// matrix products (tiles × C)·(C × K): 64 multiply-adds per tile and channel pair where the
// direct kernel does m²r² (400 for 5×5, 6.25 times more; 324 for 3×3, 5.06 times more), for
// transforms costing O(C + K) per tile.
//
// One kernel serves the three passes. The input gradient is the forward pass run on the output
// gradient with the flipped filter, as for the direct kernels. The filter gradient is the
// adjoint in the filter, Gᵀ[Σ_tiles (Bᵀ d B) ⊙ (A ȳ Aᵀ)]G: 64 products (C × tiles)·(tiles × K).
//
// Tiles are taken in blocks whose transformed patches and products stay in L2 while the
// products run, with the micro-kernel of ``Gemm`` reading the blocks in place.

/// The finite interpolation points, in the order of the transforms' rows (∞ comes last).
let winogradPoints: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]

/// The 8 × r filter transform G: row a evaluates the filter polynomial g₀ + g₁x + … at the
/// point a, divided by the product of the point's distances to the other finite points (the
/// Lagrange denominators −1, −9/2, −9/2, 90, 90, 45/32, 45/32; row 0's sign, −1, moved into
/// Bᵀ); the last row, for ∞, is the leading coefficient. The output transform Aᵀ then holds
/// the points' powers (row i: 0ⁱ, 1, (−1)ⁱ, 2ⁱ, (−2)ⁱ, 2⁻ⁱ, (−2)⁻ⁱ, and 1 under ∞ in the last
/// row), and Bᵀ depends on the points only. For r = 5 the rows are (1, 0, 0, 0, 0),
/// −2/9·(1, ±1, 1, ±1, 1), (1/90, ±1/45, 2/45, ±4/45, 8/45), (32/45, ±16/45, 8/45, ±4/45, 2/45)
/// and (0, 0, 0, 0, 1); for r = 3 they are the same rows' first three entries, (1, 0, 0),
/// −2/9·(1, ±1, 1), (1/90, ±1/45, 2/45), (32/45, ±16/45, 8/45), then (0, 0, 1) for ∞. Each
/// entry is one division of exact binary numbers, so it is the correctly rounded fraction.
func winogradFilterTransform(size r: Int) -> [[Double]] {
    let finite = winogradPoints.indices.map { a in
        let point = winogradPoints[a]
        let others = winogradPoints.indices.filter { $0 != a }.map { point - winogradPoints[$0] }
        let denominator = others.reduce(1, *) * (a == 0 ? -1 : 1)
        return (0..<r).map { power in (0..<power).reduce(1) { product, _ in product * point } / denominator }
    }
    return finite + [(0..<r).map { $0 == r - 1 ? 1 : 0 }]
}

/// One F(m×m, r×r) convolution (r = `filterSize`, 3 or 5, and m = 9 − r): output pixel (r, c)
/// has its window's top-left cell on source pixel (r − `top`, c − `left`), zeros outside the
/// source images.
struct WinogradConvolution<T: VectorKernelScalar>: @unchecked Sendable {
    typealias Panel = T.Panel
    /// One column or row of an 8×8 patch, a vector of channels per cell.
    typealias Eight = (Panel, Panel, Panel, Panel, Panel, Panel, Panel, Panel)
    /// One column or row of an output tile (of six or four pixels; zeros past the tile).
    typealias Six = (Panel, Panel, Panel, Panel, Panel, Panel)
    /// Four panels.
    typealias Four = (Panel, Panel, Panel, Panel)

    /// The images read (C channels): the input, or ȳ for the input gradient.
    let source: ImageFrames<T>
    /// Where each output pixel's window starts on the source (see the type's description).
    let top: Int, left: Int
    let outputHeight: Int, outputWidth: Int
    /// Output channels (K).
    let outputs: Int
    /// The filter's side r: 3 or 5.
    let filterSize: Int

    static var mr: Int { Gemm<T>.mr }
    static var nr: Int { Gemm<T>.nr }
    /// Input pixels along a patch's side.
    static var patch: Int { 8 }
    /// The 8 × 8 transformed values of a patch.
    static var points: Int { patch * patch }
    /// Output pixels along a tile's side: the windows, r wide, of a tile span the patch.
    var tile: Int { Self.patch + 1 - filterSize }

    /// The convolution `g` itself, over `images` (its input): the forward pass and the filter
    /// gradient. (The input gradient is a forward pass over ȳ with other offsets.)
    init(images: UnsafePointer<T>, _ g: ConvolutionGeometry) {
        let s = g.window
        self.init(source: ImageFrames(images: images, g.inputShape), top: s.padding.top, left: s.padding.left,
                  outputHeight: s.outputHeight, outputWidth: s.outputWidth, outputs: g.outputChannels,
                  filterSize: s.windowHeight)
    }

    /// The convolution of `source` with an r×r filter (r = `filterSize`) whose output pixel
    /// (r, c) has its window's top-left cell on source pixel (r − `top`, c − `left`),
    /// `outputs` channels out.
    init(source: ImageFrames<T>, top: Int, left: Int, outputHeight: Int, outputWidth: Int, outputs: Int,
         filterSize: Int) {
        (self.source, self.top, self.left) = (source, top, left)
        (self.outputHeight, self.outputWidth, self.outputs, self.filterSize) = (outputHeight, outputWidth, outputs, filterSize)
    }

    /// Whether `g` is a convolution this kernel computes: unit strides, channel counts that are
    /// whole vectors, and a 5×5 window, or a 3×3 one where ``pays(for3x3:)``.
    static func applies(to g: ConvolutionGeometry) -> Bool {
        let s = g.window
        guard s.windowHeight == s.windowWidth, s.strideHeight == 1, s.strideWidth == 1,
              g.inputChannels % nr == 0, g.outputChannels % nr == 0, s.outputHeight > 0, s.outputWidth > 0
        else { return false }
        return s.windowHeight == 5 || s.windowHeight == 3 && pays(for3x3: g)
    }

    /// Whether F(6×6, 3×3) beats the direct kernel on the 3×3 convolution `g` (unit strides,
    /// whole vectors of channels): always, except with AVX-512 when fewer than half the pixels
    /// of its 6×6 tiles lie on the output (an 8×8 output fills 64 of 4 · 36), where the direct
    /// kernel's wide tiles are as fast or faster. Measured (7 Dec 2026, Zen 4 on a loaded
    /// machine, one thread, batch 32, C = K, padding 1, the best of 8 alternated runs of a
    /// training step, forward and both gradients), Winograd's speed-up over the direct kernel:
    /// with AVX-512, 1.2–3.8 on 12×12 to 32×32 images with 32 and 64 channels, 0.57–0.88 on 8×8
    /// (inference alone 0.9–1.1); with AVX2, 3.2–7.4 on 12×12 to 32×32 and 1.6–2.6 on 8×8,
    /// 16 to 64 channels.
    static func pays(for3x3 g: ConvolutionGeometry) -> Bool {
        #if KERNELS_AVX512
        let s = g.window
        let tiles = (s.outputHeight + 5) / 6 * ((s.outputWidth + 5) / 6)
        return 2 * s.outputHeight * s.outputWidth >= 36 * tiles
        #else
        return true
        #endif
    }

    /// Input channels (C).
    var channels: Int { source.channels }
    /// Output tiles down and across an image (the last ones partial unless the size is a
    /// multiple of the tile), and per image.
    var tileRows: Int { (outputHeight + tile - 1) / tile }
    var tileColumns: Int { (outputWidth + tile - 1) / tile }
    var imageTiles: Int { tileRows * tileColumns }
    /// Tiles per block: a whole number of micro-tile rows whose transformed patches and products
    /// (64 · tiles · (C + K) scalars) take about 512 KiB.
    var blockTiles: Int {
        max(Self.mr, 524_288 / (Self.points * (channels + outputs) * MemoryLayout<T>.stride) / Self.mr * Self.mr)
    }

    /// y = the convolution with the filter w(i, j, c, o) = `filter[i·strides.0 + j·strides.1 +
    /// c·strides.2 + o·strides.3]` (C × K), plus `bias` (then rectified when `rectify`) if
    /// given; blocks of tiles split over `threads` threads.
    func forward(filter: UnsafePointer<T>, strides: (Int, Int, Int, Int), bias: UnsafePointer<T>?, rectify: Bool,
                 y: UnsafeMutablePointer<T>, threads: Int) {
        let transformed = alignedBuffer(T.self, count: Self.points * channels * outputs)
        defer { transformed.deallocate() }
        transformFilter(filter, strides: strides, into: transformed)
        let (tb, tiles) = (blockTiles, source.batch * imageTiles)
        let pointers = Unchecked((UnsafePointer(transformed), y, bias))
        WorkerPool.shared.runChunks(of: (tiles + tb - 1) / tb, threads: threads) { blocks in
            let (transformed, y, bias) = pointers.value
            let scratch = Scratch(self)
            defer { scratch.deallocate() }
            for block in blocks {
                let range = block * tb..<min(tiles, (block + 1) * tb)
                transformPatches(range, into: scratch)
                multiplyPatches(count: range.count, by: transformed, scratch)
                transformProducts(range, scratch, bias: bias, rectify: rectify, y: y)
            }
        }
    }

    /// w̄(i, j, c, k) = Σ over the batch's tiles of the adjoint of the forward pass in the
    /// filter, for the output gradient `gy` (NHWC, K channels). The sum runs over groups of
    /// images fixed by the shape (at most eight, and no more than keep their partial sums within
    /// 64 MiB), each group's blocks in order, then over the groups in order: the result does not
    /// depend on `threads`.
    func filterGradient(_ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>, threads: Int) {
        let (tb, length, batch) = (blockTiles, Self.points * channels * outputs, source.batch)
        let groupLimit = min(8, max(1, (64 << 20) / (length * MemoryLayout<T>.stride)))
        let groupImages = (batch + groupLimit - 1) / groupLimit, groups = (batch + groupImages - 1) / groupImages
        let sums = alignedBuffer(T.self, count: groups * length)
        defer { sums.deallocate() }
        let pointers = Unchecked((gy, sums))
        WorkerPool.shared.runChunks(of: groups, threads: threads) { groupRange in
            let (gy, sums) = pointers.value
            let scratch = Scratch(self)
            defer { scratch.deallocate() }
            for group in groupRange {
                let tiles = group * groupImages * imageTiles..<min(batch, (group + 1) * groupImages) * imageTiles
                for start in stride(from: tiles.lowerBound, to: tiles.upperBound, by: tb) {
                    let range = start..<min(tiles.upperBound, start + tb)
                    transformPatches(range, into: scratch)
                    transformGradients(range, gy, into: scratch)
                    multiplyGradients(count: range.count, scratch, into: sums + group * length,
                                      adding: start > tiles.lowerBound)
                }
            }
        }
        for group in 1..<groups {
            ElementwiseKernels<T>.binary(.add, sums, sums + group * length, sums, length)
        }
        let transform = winogradFilterTransform(size: filterSize)
        let adjoint = (0..<filterSize).map { column in transform.map { $0[column] } }
        Self.transform2D(adjoint, sums, gw, pairs: channels * outputs)
    }

    // MARK: Transforms

    /// U[ξ][c][k] = (G w(·, ·, c, k) Gᵀ)[ξ] for the 64 points ξ = 8a + b.
    func transformFilter(_ filter: UnsafePointer<T>, strides: (Int, Int, Int, Int),
                         into transformed: UnsafeMutablePointer<T>) {
        let (c, k, r) = (channels, outputs, filterSize)
        let gathered = alignedBuffer(T.self, count: r * r * c * k)
        defer { gathered.deallocate() }
        var target = gathered
        for i in 0..<r {
            for j in 0..<r {
                for input in 0..<c {
                    let row = filter + i * strides.0 + j * strides.1 + input * strides.2
                    for output in 0..<k { target[output] = row[output * strides.3] }
                    target += k
                }
            }
        }
        Self.transform2D(winogradFilterTransform(size: r), gathered, transformed, pairs: c * k)
    }

    /// output[a][b][·] = Σ_{i, j} matrix[a][i] · matrix[b][j] · input[i][j][·] for `input` of
    /// columns × columns planes of `pairs` values and `output` of rows × rows planes (the
    /// 2-D transform M X Mᵀ of every channel pair): along the first axis, then the second.
    static func transform2D(_ matrix: [[Double]], _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
                            pairs: Int) {
        let (rows, columns) = (matrix.count, matrix[0].count)
        let half = alignedBuffer(T.self, count: rows * columns * pairs)
        defer { half.deallocate() }
        combine(matrix, input, half, planes: 1, length: columns * pairs)
        combine(matrix, half, output, planes: rows, length: pairs)
    }

    /// out[p][r][·] = Σ_c matrix[r][c] · in[p][c][·] for `planes` planes of rows `length` long.
    static func combine(_ matrix: [[Double]], _ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
                        planes: Int, length: Int) {
        let (rows, columns) = (matrix.count, matrix[0].count)
        for p in 0..<planes {
            for r in 0..<rows {
                let target = output + (p * rows + r) * length
                target.update(repeating: 0, count: length)
                for c in 0..<columns where matrix[r][c] != 0 {
                    ElementwiseKernels<T>.binary(.addScaled(T(matrix[r][c])), target, input + (p * columns + c) * length,
                                                 target, length)
                }
            }
        }
    }
}

extension WinogradConvolution {
    /// A thread's buffers for one block of `stride` tiles: the transformed patches D[ξ][t][c]
    /// (`mr` scalars to spare, read past by the filter gradient's last micro-tile), the products
    /// M[ξ][t][k] (or the transformed output gradients) and an 8×8 patch of vectors.
    struct Scratch {
        let patches: UnsafeMutablePointer<T>, products: UnsafeMutablePointer<T>, work: UnsafeMutablePointer<T>
        let stride: Int

        init(_ convolution: WinogradConvolution) {
            stride = convolution.blockTiles
            let length = points * stride * convolution.channels
            patches = alignedBuffer(T.self, count: length + mr)
            (patches + length).update(repeating: 0, count: mr)
            products = alignedBuffer(T.self, count: points * stride * convolution.outputs)
            work = alignedBuffer(T.self, count: points * nr)
        }

        func deallocate() {
            patches.deallocate()
            products.deallocate()
            work.deallocate()
        }
    }

    /// (image, tile row, tile column) of a tile of the batch.
    @inline(__always)
    func place(_ tile: Int) -> (image: Int, row: Int, column: Int) {
        let (image, rest) = tile.quotientAndRemainder(dividingBy: imageTiles)
        let (row, column) = rest.quotientAndRemainder(dividingBy: tileColumns)
        return (image, row, column)
    }

    /// The output pixels of a tile: the first one's index in the batch, and how many of its
    /// rows and columns lie on the output.
    @inline(__always)
    func outputPixels(of index: Int) -> (first: Int, rows: Int, columns: Int) {
        let (image, row, column) = place(index)
        let (top, left) = (tile * row, tile * column)
        return ((image * outputHeight + top) * outputWidth + left, min(tile, outputHeight - top), min(tile, outputWidth - left))
    }

    /// D[ξ][t][·] = (Bᵀ d B)[ξ] for the block's tiles `tiles` (t counted from the first), d the
    /// tile's 8×8 source patch with zeros outside the images. The rows a micro-tile reads past
    /// the last tile are zeroed.
    func transformPatches(_ tiles: Range<Int>, into scratch: Scratch) {
        let (c, tb, nr, work, side) = (channels, scratch.stride, Self.nr, scratch.work, Self.patch)
        let pitch = source.width * c
        for (t, index) in tiles.enumerated() {
            let (image, tileRow, tileColumn) = place(index)
            let (firstRow, firstColumn) = (tile * tileRow - top, tile * tileColumn - left)
            let rows = max(0, -firstRow)..<max(0, min(side, source.height - firstRow))
            let columns = max(0, -firstColumn)..<max(0, min(side, source.width - firstColumn))
            let corner = (image * source.height + firstRow) * pitch + firstColumn * c
            let whole = rows.count == side && columns.count == side
            for channel in stride(from: 0, to: c, by: nr) {
                for q in 0..<side {
                    let column: Eight
                    if whole {
                        column = Self.load(source.base + (corner + q * c + channel), stride: pitch)
                    } else {
                        let inColumn = columns.contains(q)
                        @inline(__always) func cell(_ p: Int) -> Panel {
                            inColumn && rows.contains(p) ? Self.load(source.base + (corner + p * pitch + q * c + channel)) : .zero
                        }
                        column = (cell(0), cell(1), cell(2), cell(3), cell(4), cell(5), cell(6), cell(7))
                    }
                    Self.store(Self.inputTransform(column), work + q * nr, stride: side * nr)
                }
                for p in 0..<side {
                    Self.store(Self.inputTransform(Self.load(work + side * p * nr, stride: nr)),
                               scratch.patches + (side * p * tb + t) * c + channel, stride: tb * c)
                }
            }
        }
        let (count, mr) = (tiles.count, Self.mr)
        let end = min(tb, (count + mr - 1) / mr * mr + 1)
        guard end > count else { return }
        for xi in 0..<Self.points {
            (scratch.patches + (xi * tb + count) * c).update(repeating: 0, count: (end - count) * c)
        }
    }

    /// M[ξ] = D[ξ]·U[ξ] for the block's first `count` tiles, with U[ξ][c][k] at `transformed`.
    func multiplyPatches(count: Int, by transformed: UnsafePointer<T>, _ scratch: Scratch) {
        let (c, k, tb, mr, nr) = (channels, outputs, scratch.stride, Self.mr, Self.nr)
        for xi in 0..<Self.points {
            let (d, u, m) = (UnsafePointer(scratch.patches) + xi * tb * c, transformed + xi * c * k, scratch.products + xi * tb * k)
            for panel in stride(from: 0, to: k, by: nr) {
                for row in stride(from: 0, to: count, by: mr) {
                    Gemm<T>.kernel(depth: c, a: StridedMatrix(base: d + row * c, rowStride: c, columnStride: 1),
                                   b: u + panel, bRowStride: k, c: m + row * k + panel, ldc: k,
                                   rows: min(mr, count - row), columns: nr, adding: false)
                }
            }
        }
    }

    /// y = Aᵀ M A for each tile of the block (+ bias, then rectified when `rectify`), the
    /// pixels past the output's last row or column dropped.
    func transformProducts(_ tiles: Range<Int>, _ scratch: Scratch, bias: UnsafePointer<T>?, rectify: Bool,
                           y: UnsafeMutablePointer<T>) {
        let (k, tb, nr, work, side, size) = (outputs, scratch.stride, Self.nr, scratch.work, Self.patch, filterSize)
        for (t, index) in tiles.enumerated() {
            let (first, rows, columns) = outputPixels(of: index)
            let out = y + first * k
            for channel in stride(from: 0, to: k, by: nr) {
                let m = UnsafePointer(scratch.products) + t * k + channel
                for q in 0..<side {
                    Self.store(Self.outputTransform(Self.load(m + q * tb * k, stride: side * tb * k), filterSize: size),
                               work + q * nr, stride: side * nr, count: tile)
                }
                let biasVector = bias.map { Self.load($0 + channel) }
                @inline(__always) func write(_ value: Panel, _ r: Int, _ s: Int) {
                    let value = biasVector.map { BiasKernels<T>.biased(value, $0, rectify: rectify) } ?? value
                    (out + (r * outputWidth + s) * k + channel).storeVector(value)
                }
                for r in 0..<rows {
                    let (v0, v1, v2, v3, v4, v5) = Self.outputTransform(Self.load(work + side * r * nr, stride: nr),
                                                                        filterSize: size)
                    write(v0, r, 0)
                    if columns > 1 { write(v1, r, 1) }
                    if columns > 2 { write(v2, r, 2) }
                    if columns > 3 { write(v3, r, 3) }
                    if columns > 4 { write(v4, r, 4) }
                    if columns > 5 { write(v5, r, 5) }
                }
            }
        }
    }

    /// M̄[ξ][t][·] = (A ȳ Aᵀ)[ξ] for each tile of the block, ȳ its output gradient (NHWC at
    /// `gy`, zeros past the output's last row or column).
    func transformGradients(_ tiles: Range<Int>, _ gy: UnsafePointer<T>, into scratch: Scratch) {
        let (k, tb, nr, work, side, size) = (outputs, scratch.stride, Self.nr, scratch.work, Self.patch, filterSize)
        for (t, index) in tiles.enumerated() {
            let (first, rows, columns) = outputPixels(of: index)
            let g = gy + first * k
            for channel in stride(from: 0, to: k, by: nr) {
                @inline(__always) func value(_ r: Int, _ s: Int) -> Panel {
                    r < rows && s < columns ? Self.load(g + (r * outputWidth + s) * k + channel) : .zero
                }
                for s in 0..<tile {
                    let column = (value(0, s), value(1, s), value(2, s), value(3, s), value(4, s), value(5, s))
                    Self.store(Self.gradientTransform(column, filterSize: size), work + side * s * nr, stride: nr)
                }
                for p in 0..<side {
                    let row: Six = Self.load(UnsafePointer(work + p * nr), stride: side * nr, count: tile)
                    Self.store(Self.gradientTransform(row, filterSize: size),
                               scratch.products + (side * p * tb + t) * k + channel, stride: tb * k)
                }
            }
        }
    }

    /// Ū[ξ] (+)= D[ξ]ᵀ·M̄[ξ] over the block's first `count` tiles, Ū[ξ][c][k] at `sums`.
    func multiplyGradients(count: Int, _ scratch: Scratch, into sums: UnsafeMutablePointer<T>, adding: Bool) {
        let (c, k, tb, mr, nr) = (channels, outputs, scratch.stride, Self.mr, Self.nr)
        for xi in 0..<Self.points {
            let (d, m, u) = (UnsafePointer(scratch.patches) + xi * tb * c, UnsafePointer(scratch.products) + xi * tb * k, sums + xi * c * k)
            for panel in stride(from: 0, to: k, by: nr) {
                for row in stride(from: 0, to: c, by: mr) {
                    Gemm<T>.kernel(depth: count, a: StridedMatrix(base: d + row, rowStride: 1, columnStride: c),
                                   b: m + panel, bRowStride: k, c: u + row * k + panel, ldc: k,
                                   rows: min(mr, c - row), columns: nr, adding: adding)
                }
            }
        }
    }

    // MARK: One-dimensional transforms, a vector of channels per cell

    /// `value` in every lane.
    @inline(__always)
    static func constant(_ value: T) -> Panel { Panel(repeating: value) }

    /// Bᵀ·(d₀ … d₇), pairing the terms that the points ±p share.
    @inline(__always)
    static func inputTransform(_ d: Eight) -> Eight {
        let (d0, d1, d2, d3, d4, d5, d6, d7) = d
        let (c525, c425, c125, c25) = (constant(5.25), constant(4.25), constant(1.25), constant(2.5))
        let (half, quarter, two, four, five) = (constant(0.5), constant(0.25), constant(2), constant(4), constant(5))
        let (even1, odd1) = (d2 + d6 - c425 * d4, d1 + d5 - c425 * d3)
        let (even2, odd2) = (quarter * d2 - c125 * d4 + d6, half * d1 - c25 * d3 + two * d5)
        let (even3, odd3) = (four * d2 - five * d4 + d6, two * d1 - c25 * d3 + half * d5)
        return (d0 - d6 + c525 * (d4 - d2), even1 + odd1, even1 - odd1, even2 + odd2, even2 - odd2,
                even3 + odd3, even3 - odd3, d7 - d1 + c525 * (d3 - d5))
    }

    /// Aᵀ·(m₀ … m₇): the 9 − r output values (row i of Aᵀ holds the points' i-th powers, and
    /// m₇, the product at ∞, goes to the last), zeros past them.
    @inline(__always)
    static func outputTransform(_ m: Eight, filterSize: Int) -> Six {
        let (m0, m1, m2, m3, m4, m5, m6, m7) = m
        let (sum1, difference1) = (m1 + m2, m1 - m2)
        let (sum2, difference2) = (m3 + m4, m3 - m4)
        let (sum3, difference3) = (m5 + m6, m5 - m6)
        let (y0, y1, y2) = (m0 + sum1 + sum2 + sum3,
                            difference1 + constant(2) * difference2 + constant(0.5) * difference3,
                            sum1 + constant(4) * sum2 + constant(0.25) * sum3)
        let y3 = difference1 + constant(8) * difference2 + constant(0.125) * difference3
        guard filterSize == 3 else { return (y0, y1, y2, y3 + m7, .zero, .zero) }
        return (y0, y1, y2, y3, sum1 + constant(16) * sum2 + constant(0.0625) * sum3,
                difference1 + constant(32) * difference2 + constant(0.03125) * difference3 + m7)
    }

    /// A·(y₀ … y₅), the adjoint of ``outputTransform(_:filterSize:)`` (y₄ and y₅ unused for r = 5).
    @inline(__always)
    static func gradientTransform(_ y: Six, filterSize: Int) -> Eight {
        let (y0, y1, y2, y3, y4, y5) = y
        guard filterSize == 3 else {
            let (even1, odd1) = (y0 + y2, y1 + y3)
            let (even2, odd2) = (y0 + constant(4) * y2, constant(2) * y1 + constant(8) * y3)
            let (even3, odd3) = (y0 + constant(0.25) * y2, constant(0.5) * y1 + constant(0.125) * y3)
            return (y0, even1 + odd1, even1 - odd1, even2 + odd2, even2 - odd2, even3 + odd3, even3 - odd3, y3)
        }
        let (even1, odd1) = (y0 + y2 + y4, y1 + y3 + y5)
        let (even2, odd2) = (y0 + constant(4) * y2 + constant(16) * y4,
                             constant(2) * y1 + constant(8) * y3 + constant(32) * y5)
        let (even3, odd3) = (y0 + constant(0.25) * y2 + constant(0.0625) * y4,
                             constant(0.5) * y1 + constant(0.125) * y3 + constant(0.03125) * y5)
        return (y0, even1 + odd1, even1 - odd1, even2 + odd2, even2 - odd2, even3 + odd3, even3 - odd3, y5)
    }

    /// The panel at `p`.
    @inline(__always)
    static func load(_ p: UnsafePointer<T>) -> Panel { p.loadVector(as: Panel.self) }

    /// The four panels at `p`, `p + stride`, … `p + 3·stride`.
    @inline(__always)
    static func load(_ p: UnsafePointer<T>, stride: Int) -> Four {
        (load(p), load(p + stride), load(p + 2 * stride), load(p + 3 * stride))
    }

    /// The eight panels at `p`, `p + stride`, … `p + 7·stride`.
    @inline(__always)
    static func load(_ p: UnsafePointer<T>, stride: Int) -> Eight {
        let (low, high): (Four, Four) = (load(p, stride: stride), load(p + 4 * stride, stride: stride))
        return (low.0, low.1, low.2, low.3, high.0, high.1, high.2, high.3)
    }

    /// The first `count` (4 or 6) panels at `p`, `p + stride`, …, zeros after them.
    @inline(__always)
    static func load(_ p: UnsafePointer<T>, stride: Int, count: Int) -> Six {
        let low: Four = load(p, stride: stride)
        guard count > 4 else { return (low.0, low.1, low.2, low.3, .zero, .zero) }
        return (low.0, low.1, low.2, low.3, load(p + 4 * stride), load(p + 5 * stride))
    }

    /// ``load(_:stride:)`` from a mutable pointer.
    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<T>, stride: Int) -> Eight { load(UnsafePointer(p), stride: stride) }

    /// Writes four panels to `p`, `p + stride`, … `p + 3·stride`.
    @inline(__always)
    static func store(_ v: Four, _ p: UnsafeMutablePointer<T>, stride: Int) {
        p.storeVector(v.0)
        (p + stride).storeVector(v.1)
        (p + 2 * stride).storeVector(v.2)
        (p + 3 * stride).storeVector(v.3)
    }

    /// Writes the first `count` (4 or 6) panels of `v` to `p`, `p + stride`, ….
    @inline(__always)
    static func store(_ v: Six, _ p: UnsafeMutablePointer<T>, stride: Int, count: Int) {
        store((v.0, v.1, v.2, v.3), p, stride: stride)
        guard count > 4 else { return }
        (p + 4 * stride).storeVector(v.4)
        (p + 5 * stride).storeVector(v.5)
    }

    /// Writes eight panels to `p`, `p + stride`, … `p + 7·stride`.
    @inline(__always)
    static func store(_ v: Eight, _ p: UnsafeMutablePointer<T>, stride: Int) {
        store((v.0, v.1, v.2, v.3), p, stride: stride)
        store((v.4, v.5, v.6, v.7), p + 4 * stride, stride: stride)
    }
}
