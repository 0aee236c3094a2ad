import KernelSupport

/// Fast convolution kernels: the `convolution`, `convolutionInputGradient` and
/// `convolutionFilterGradient` table entries (NHWC images, HWIO filters).
///
/// Three paths, chosen by shape only:
/// - a convolution that is a plain matrix product (the window covers the whole unpadded image,
///   or a 1×1 window with unit strides) goes to ``Gemm``;
/// - a 5×5 window, or a 3×3 one where it pays, with unit strides over whole vectors of channels
///   goes to ``WinogradConvolution``;
/// - every other one runs the direct kernels of ``DirectConvolution``. The forward pass reads
///   the images in place. The input gradient is the direct convolution of the output gradient
///   with the flipped filter, the window moved back by the padding; with strides above 1 the
///   output gradient is first spread into zero frames. The filter gradient reads images copied
///   into zero frames and the output gradient in blocks of images, in place when its rows
///   are whole vectors (packed otherwise).
///
/// Threads split output pixels (forward, input gradient) or (filter-row tile, output-channel
/// panel) units of the filter gradient, whose sum over the batch runs over image blocks fixed by
/// the shape (the output gradient is packed once, block by block, before the units run); every
/// output element is computed by the same operations whatever the number of threads, so results
/// are bit-identical across thread counts.
enum ConvolutionKernels<T: VectorKernelScalar> {
    /// Convolutions below this many multiply-adds (about 10 µs of work) stay on the calling thread.
    static var parallelVolume: Int { 1 << 19 }
    /// The filter gradient sums over blocks of about this many output pixels (so that a block's
    /// framed images and output gradient stay in L2).
    static var blockPixels: Int { 512 }

    /// The table entries: each runs on ``threads(for:)`` threads.
    static func convolution(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ rectify: Bool,
                            _ y: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
        convolution(x, w, bias, rectify, y, g, threads: threads(for: g))
    }

    static func inputGradient(_ gy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                              _ g: ConvolutionGeometry) {
        inputGradient(gy, w, gx, g, threads: threads(for: g))
    }

    static func filterGradient(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>,
                               _ g: ConvolutionGeometry) {
        filterGradient(x, gy, gw, g, threads: threads(for: g))
    }

    /// y = conv(x, w), then + b and max(0, ·) when `rectify` if there is a bias, on `threads`
    /// threads. The direct kernels add the bias (and rectify) as they store each tile: no extra
    /// pass over y.
    static func convolution(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ bias: UnsafePointer<T>?, _ rectify: Bool,
                            _ y: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry, threads: Int) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        if let (rows, depth) = g.matrixProduct {
            multiply(GemmOperands(m: rows, n: cout, k: depth, a: x, lda: depth, transposeA: false,
                                  b: w, ldb: cout, transposeB: false, c: y, ldc: cout, accumulate: false),
                     threads: threads)
            if let bias { BiasKernels<T>.addBias(y, bias, y, rows: rows, columns: cout, rectify: rectify) }
            return
        }
        let s = g.window
        let filterStrides = (s.windowWidth * cin * cout, cin * cout, cout, 1)
        if WinogradConvolution<T>.applies(to: g) {
            return WinogradConvolution(images: x, g)
                .forward(filter: w, strides: filterStrides, bias: bias, rectify: rectify, y: y, threads: threads)
        }
        let direct = DirectConvolution(source: ImageFrames(images: x, g.inputShape), top: s.padding.top, left: s.padding.left,
                                       windowHeight: s.windowHeight, windowWidth: s.windowWidth,
                                       strideHeight: s.strideHeight, strideWidth: s.strideWidth,
                                       outputHeight: s.outputHeight, outputWidth: s.outputWidth)
        direct.forward(filter: w, strides: filterStrides, outputs: cout, bias: bias, rectify: rectify, y: y, threads: threads)
    }

    /// x̄ = convT(ȳ, w) on `threads` threads.
    static func inputGradient(_ gy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                              _ g: ConvolutionGeometry, threads: Int) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        if let (rows, depth) = g.matrixProduct {
            return multiply(GemmOperands(m: rows, n: depth, k: cout, a: gy, lda: cout, transposeA: false,
                                         b: w, ldb: cout, transposeB: true, c: gx, ldc: depth, accumulate: false),
                            threads: threads)
        }
        let s = g.window
        let (kh, kw) = (s.windowHeight, s.windowWidth)
        // The flipped filter with its channel axes swapped: w′(i, j, o, c) = w(kh−1−i, kw−1−j, c, o).
        let (flipped, flippedStrides) = (w + (kh * kw - 1) * cin * cout, (-kw * cin * cout, -cin * cout, 1, cout))
        if WinogradConvolution<T>.applies(to: g) {
            return WinogradConvolution(source: ImageFrames(images: gy, g.outputShape), top: kh - 1 - s.padding.top,
                                       left: kw - 1 - s.padding.left, outputHeight: s.inputHeight, outputWidth: s.inputWidth,
                                       outputs: cin, filterSize: kh)
                .forward(filter: flipped, strides: flippedStrides, bias: nil, rectify: false, y: gx, threads: threads)
        }
        // x̄[r, c] = Σ_{i, j} ȳ[(r + top − i) / sh, (c + left − j) / sw] · w(i, j) over the
        // divisible terms: ȳ spaced by the strides, read by windows starting (kh − 1 − top,
        // kw − 1 − left) before each input pixel, against the flipped filter.
        let placement = FramePlacement(height: s.inputHeight + kh - 1, width: s.inputWidth + kw - 1,
                                       top: kh - 1 - s.padding.top, left: kw - 1 - s.padding.left,
                                       rowSpacing: s.strideHeight, columnSpacing: s.strideWidth)
        let spaced = s.strideHeight > 1 || s.strideWidth > 1
        withFrames(of: gy, g.outputShape, spaced ? placement : nil, threads: threads) { source in
            let direct = DirectConvolution(source: source, top: spaced ? 0 : placement.top, left: spaced ? 0 : placement.left,
                                           windowHeight: kh, windowWidth: kw, strideHeight: 1, strideWidth: 1,
                                           outputHeight: s.inputHeight, outputWidth: s.inputWidth)
            direct.forward(filter: flipped, strides: flippedStrides, outputs: cin, bias: nil, rectify: false, y: gx,
                           threads: threads)
        }
    }

    /// w̄ = convF(x, ȳ) on `threads` threads.
    static func filterGradient(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>,
                               _ g: ConvolutionGeometry, threads: Int) {
        let cout = g.outputChannels
        guard g.window.batch > 0 else { return gw.update(repeating: 0, count: g.filterShape.elementCount) }
        if let (rows, depth) = g.matrixProduct {
            return multiply(GemmOperands(m: depth, n: cout, k: rows, a: x, lda: depth, transposeA: true,
                                         b: gy, ldb: cout, transposeB: false, c: gw, ldc: cout, accumulate: false),
                            threads: threads)
        }
        let s = g.window
        if WinogradConvolution<T>.applies(to: g) { return WinogradConvolution(images: x, g).filterGradient(gy, gw, threads: threads) }
        let placement = FramePlacement(height: s.inputHeight + s.padding.top + s.padding.bottom,
                                       width: s.inputWidth + s.padding.left + s.padding.right,
                                       top: s.padding.top, left: s.padding.left, rowSpacing: 1, columnSpacing: 1)
        withFrames(of: x, g.inputShape, placement, threads: threads) { source in
            let direct = DirectConvolution(source: source, top: 0, left: 0,
                                           windowHeight: s.windowHeight, windowWidth: s.windowWidth,
                                           strideHeight: s.strideHeight, strideWidth: s.strideWidth,
                                           outputHeight: s.outputHeight, outputWidth: s.outputWidth)
            let panels = (cout + Gemm<T>.nr - 1) / Gemm<T>.nr
            let imagePixels = s.outputHeight * s.outputWidth
            let blockImages = max(1, blockPixels / max(1, imagePixels))
            let offsets = UnsafeMutablePointer<Int>.allocate(capacity: direct.filterRowTiles * DirectConvolution<T>.mr)
            defer { offsets.deallocate() }
            let tiles = direct.filterTiles(offsets: offsets)
            // ȳ is read in place when its rows are whole vectors; otherwise it is packed once,
            // block by block (the blocks shared out among the threads). Then every unit sums
            // over the blocks in order.
            let blockCount = (s.batch + blockImages - 1) / blockImages
            @Sendable func images(of block: Int) -> Range<Int> { block * blockImages..<min(s.batch, (block + 1) * blockImages) }
            let blockLength = min(s.batch, blockImages) * imagePixels * panels * Gemm<T>.nr
            let packed = cout % Gemm<T>.nr == 0 ? nil : alignedBuffer(T.self, count: blockCount * blockLength)
            defer { packed?.deallocate() }
            let pointers = Unchecked((gy, gw, UnsafePointer(offsets), packed))
            if let packed {
                let operands = Unchecked((gy, packed))
                WorkerPool.shared.runChunks(of: blockCount, threads: threads) { blocks in
                    let (gy, packed) = operands.value
                    for block in blocks {
                        let range = images(of: block)
                        let gradient = StridedMatrix(base: gy + range.lowerBound * imagePixels * cout, rowStride: cout,
                                                     columnStride: 1)
                        Gemm<T>.packB(gradient, depth: range.count * imagePixels, columns: cout,
                                      into: packed + block * blockLength)
                    }
                }
            }
            @Sendable func layout(of block: Int) -> DirectConvolution<T>.GradientLayout {
                let (gy, _, _, packed) = pointers.value
                guard let packed else {
                    return .init(base: gy + images(of: block).lowerBound * imagePixels * cout, panelStride: Gemm<T>.nr,
                                 pixelStride: cout)
                }
                return .init(base: packed + block * blockLength, panelStride: images(of: block).count * imagePixels * Gemm<T>.nr,
                             pixelStride: Gemm<T>.nr)
            }
            WorkerPool.shared.runChunks(of: tiles.count * panels, threads: threads) { units in
                let (_, gw, offsets, _) = pointers.value
                for block in 0..<blockCount {
                    direct.filterGradient(units: units, tiles: tiles, offsets: offsets, images: images(of: block),
                                          gradient: layout(of: block), outputs: cout, gw: gw, adding: block > 0)
                }
            }
        }
    }

    /// The threads for `g`: one for small convolutions, ``KernelThreads/current`` otherwise.
    static func threads(for g: ConvolutionGeometry) -> Int {
        g.volume >= parallelVolume ? KernelThreads.current : 1
    }

    /// The matrix product on at most `threads` threads (``Gemm`` decides for small products).
    static func multiply(_ operands: GemmOperands<T>, threads: Int) {
        KernelThreads.$requested.withValue(threads) { Gemm<T>.multiply(operands) }
    }

    /// Calls `body` with the NHWC batch `images` (of `shape`) placed in zero frames as
    /// `placement` says, or with the images themselves when there is no placement or it is the
    /// identity.
    static func withFrames(of images: UnsafePointer<T>, _ shape: [Int], _ placement: FramePlacement?, threads: Int,
                           _ body: (ImageFrames<T>) -> Void) {
        guard let placement, !placement.isIdentity(imageHeight: shape[1], imageWidth: shape[2]) else {
            return body(ImageFrames(images: images, shape))
        }
        let buffer = alignedBuffer(T.self, count: shape[0] * placement.height * placement.width * shape[3])
        defer { buffer.deallocate() }
        let pointers = Unchecked((images, buffer))
        WorkerPool.shared.runChunks(of: shape[0], threads: threads) { range in
            Gemm<T>.placeImages(pointers.value.0, imageHeight: shape[1], imageWidth: shape[2], channels: shape[3],
                                into: pointers.value.1, placement, images: range)
        }
        body(ImageFrames(frames: buffer, placement, holding: shape))
    }
}

extension ConvolutionGeometry {
    /// (rows, depth) when the convolution is the product of the input seen as a rows × depth
    /// matrix with the filter seen as depth × Cout: a window covering the whole unpadded image
    /// (one output pixel per image), or a 1×1 window with unit strides and no padding.
    var matrixProduct: (rows: Int, depth: Int)? {
        let s = window
        guard s.padding == .zero else { return nil }
        if s.windowHeight == s.inputHeight && s.windowWidth == s.inputWidth {
            return (s.batch, s.area * inputChannels)
        }
        if s.area == 1 && s.strideHeight == 1 && s.strideWidth == 1 {
            return (s.batch * s.inputHeight * s.inputWidth, inputChannels)
        }
        return nil
    }

    /// The multiply-adds of the convolution (padding cells included).
    var volume: Int { window.batch * window.outputHeight * window.outputWidth * window.area * inputChannels * outputChannels }
}
