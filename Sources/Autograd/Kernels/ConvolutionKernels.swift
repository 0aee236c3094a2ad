/// Fast convolution kernels: the `convolution`, `convolutionInputGradient` and
/// `convolutionFilterGradient` table entries (NHWC images, HWIO filters).
///
/// Two paths, chosen by shape only:
/// - a convolution that is a plain matrix product (the window covers the whole unpadded image,
///   or a 1×1 window with unit strides) goes to ``Gemm``;
/// - every other one runs the direct kernels of ``DirectConvolution`` on images copied into
///   zero frames. The input gradient is the direct convolution of the output gradient (spaced
///   by the strides, framed by the window minus the padding) with the flipped filter.
///
/// Threads split output pixels (forward, input gradient) or (output-channel panel, filter-row
/// tile) units of the filter gradient, whose sum over the batch runs over image blocks fixed by
/// the shape; every output element is computed by the same operations whatever the number of
/// threads, so results are bit-identical across thread counts.
enum ConvolutionKernels<T: VectorKernelScalar> {
    /// Convolutions below this many multiply-adds (about 10 µs of work) stay on the calling thread.
    static var parallelVolume: Int { 1 << 19 }
    /// The filter gradient sums over blocks of about this many output pixels (so that a block's
    /// framed images and output gradient stay in L2).
    static var blockPixels: Int { 1024 }

    /// The table entries: each runs on ``threads(for:)`` threads.
    static func convolution(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                            _ g: ConvolutionGeometry) {
        convolution(x, w, y, g, threads: threads(for: g))
    }

    static func inputGradient(_ gy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                              _ g: ConvolutionGeometry) {
        inputGradient(gy, w, gx, g, threads: threads(for: g))
    }

    static func filterGradient(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>,
                               _ g: ConvolutionGeometry) {
        filterGradient(x, gy, gw, g, threads: threads(for: g))
    }

    /// y = conv(x, w) on `threads` threads (matrix products: as ``Gemm`` decides).
    static func convolution(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                            _ g: ConvolutionGeometry, threads: Int) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        if let (rows, depth) = g.matrixProduct {
            return Gemm<T>.multiply(GemmOperands(m: rows, n: cout, k: depth, a: x, lda: depth, transposeA: false,
                                                 b: w, ldb: cout, transposeB: false, c: y, ldc: cout, accumulate: false))
        }
        let s = g.window
        withPaddedInput(x, g, threads: threads) { direct in
            direct.forward(filter: w, strides: (s.windowWidth * cin * cout, cin * cout, cout, 1), outputs: cout,
                           y: y, threads: threads)
        }
    }

    /// x̄ = convT(ȳ, w) on `threads` threads (matrix products: as ``Gemm`` decides).
    static func inputGradient(_ gy: UnsafePointer<T>, _ w: UnsafePointer<T>, _ gx: UnsafeMutablePointer<T>,
                              _ g: ConvolutionGeometry, threads: Int) {
        let (cin, cout) = (g.inputChannels, g.outputChannels)
        if let (rows, depth) = g.matrixProduct {
            return Gemm<T>.multiply(GemmOperands(m: rows, n: depth, k: cout, a: gy, lda: cout, transposeA: false,
                                                 b: w, ldb: cout, transposeB: true, c: gx, ldc: depth, accumulate: false))
        }
        let s = g.window
        let (kh, kw) = (s.windowHeight, s.windowWidth)
        let placement = FramePlacement(height: s.inputHeight + kh - 1, width: s.inputWidth + kw - 1,
                                       top: kh - 1 - s.padding.top, left: kw - 1 - s.padding.left,
                                       rowSpacing: s.strideHeight, columnSpacing: s.strideWidth)
        withFrames(of: gy, height: s.outputHeight, width: s.outputWidth, g.outputShape, placement, threads: threads) { frames in
            let direct = DirectConvolution(frames: frames, windowHeight: kh, windowWidth: kw, strideHeight: 1, strideWidth: 1,
                                           outputHeight: s.inputHeight, outputWidth: s.inputWidth)
            // The flipped filter with its channel axes swapped: w′(i, j, o, c) = w(kh−1−i, kw−1−j, c, o).
            direct.forward(filter: w + (kh * kw - 1) * cin * cout, strides: (-kw * cin * cout, -cin * cout, 1, cout),
                           outputs: cin, y: gx, threads: threads)
        }
    }

    /// w̄ = convF(x, ȳ) on `threads` threads (matrix products: as ``Gemm`` decides).
    static func filterGradient(_ x: UnsafePointer<T>, _ gy: UnsafePointer<T>, _ gw: UnsafeMutablePointer<T>,
                               _ g: ConvolutionGeometry, threads: Int) {
        let cout = g.outputChannels
        if let (rows, depth) = g.matrixProduct {
            return Gemm<T>.multiply(GemmOperands(m: depth, n: cout, k: rows, a: x, lda: depth, transposeA: true,
                                                 b: gy, ldb: cout, transposeB: false, c: gw, ldc: cout, accumulate: false))
        }
        let s = g.window
        withPaddedInput(x, g, threads: threads) { direct in
            let units = (cout + Gemm<T>.nr - 1) / Gemm<T>.nr * direct.filterRowTiles
            let blockImages = max(1, blockPixels / max(1, s.outputHeight * s.outputWidth))
            let pointers = Unchecked((gy, gw))
            run(units, threads: threads) { units in
                for first in stride(from: 0, to: s.batch, by: blockImages) {
                    direct.filterGradient(units: units, images: first..<min(s.batch, first + blockImages),
                                          gy: pointers.value.0, outputs: cout, gw: pointers.value.1, adding: first > 0)
                }
            }
        }
    }

    /// Calls `body` with the direct convolution of `g` over the images `x` framed by the padding.
    static func withPaddedInput(_ x: UnsafePointer<T>, _ g: ConvolutionGeometry, threads: Int,
                                _ body: (DirectConvolution<T>) -> Void) {
        let s = g.window
        let placement = FramePlacement(height: s.inputHeight + s.padding.top + s.padding.bottom,
                                       width: s.inputWidth + s.padding.left + s.padding.right,
                                       top: s.padding.top, left: s.padding.left, rowSpacing: 1, columnSpacing: 1)
        withFrames(of: x, height: s.inputHeight, width: s.inputWidth, g.inputShape, placement, threads: threads) { frames in
            body(DirectConvolution(frames: frames, windowHeight: s.windowHeight, windowWidth: s.windowWidth,
                                   strideHeight: s.strideHeight, strideWidth: s.strideWidth,
                                   outputHeight: s.outputHeight, outputWidth: s.outputWidth))
        }
    }

    /// The threads for `g`: one for small convolutions, ``ComputeThreads/current`` otherwise.
    static func threads(for g: ConvolutionGeometry) -> Int {
        g.volume >= parallelVolume ? ComputeThreads.current : 1
    }

    /// Runs `body` on `threads` contiguous chunks of `0..<count` (on the calling thread alone
    /// when `threads` is 1).
    static func run(_ count: Int, threads: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        if threads == 1 {
            body(0..<count)
        } else {
            WorkerPool.shared.runChunks(of: count, granularity: 1, threads: threads, body)
        }
    }

    /// Calls `body` with the NHWC batch `images` (of `shape`, each `height` × `width`) placed in
    /// zero frames, or with the images themselves when the placement is the identity.
    static func withFrames(of images: UnsafePointer<T>, height: Int, width: Int, _ shape: Shape,
                           _ placement: FramePlacement, threads: Int, _ body: (ImageFrames<T>) -> Void) {
        let (batch, channels) = (shape[0], shape[3])
        let content = placement.contentRows(imageHeight: height)
        func frames(_ base: UnsafePointer<T>) -> ImageFrames<T> {
            ImageFrames(base: base, batch: batch, height: placement.height, width: placement.width,
                        channels: channels, contentRows: content)
        }
        if placement.isIdentity(imageHeight: height, imageWidth: width) { return body(frames(images)) }
        let count = batch * placement.height * placement.width * channels
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
        defer { buffer.deallocate() }
        let pointers = Unchecked((images, buffer))
        run(batch, threads: threads) { range in
            Gemm<T>.placeImages(pointers.value.0, imageHeight: height, imageWidth: width, channels: channels,
                                into: pointers.value.1, placement, images: range)
        }
        body(frames(buffer))
    }
}

extension ConvolutionGeometry {
    /// (rows, depth) when the convolution is the product of the input seen as a rows × depth
    /// matrix with the filter seen as depth × Cout: a window covering the whole unpadded image
    /// (one output pixel per image), or a 1×1 window with unit strides and no padding.
    var matrixProduct: (rows: Int, depth: Int)? {
        let s = window
        guard s.padding == .valid else { return nil }
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
