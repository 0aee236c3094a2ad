import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// One convolution shape for the kernel tests.
struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    var batch: Int, height: Int, width: Int, inputs: Int, outputs: Int
    var window: (height: Int, width: Int)
    var strides: (height: Int, width: Int) = (1, 1)
    var padding: Margins = .zero

    var geometry: ConvolutionGeometry {
        ConvolutionGeometry(window: SlidingWindow(batch: batch, height: height, width: width, window: window,
                                                  strides: strides, padding: padding),
                            inputChannels: inputs, outputChannels: outputs)
    }

    var testDescription: String {
        "\(batch)×\(height)×\(width)×\(inputs) → \(outputs), \(window.height)×\(window.width) window, strides \(strides), \(padding)"
    }
}

extension SlidingWindow {
    /// The window of the kernel tests' shapes.
    init(batch: Int, height: Int, width: Int, window: (height: Int, width: Int), strides: (height: Int, width: Int),
         padding: Margins) {
        self.init(batch: batch, inputHeight: height, inputWidth: width, windowHeight: window.height,
                  windowWidth: window.width, strideHeight: strides.height, strideWidth: strides.width, padding: padding)
    }
}

@Suite("Fast convolution kernels against the reference loops, on 1, 2 and 3 threads")
struct ConvolutionKernelTests {
    static let cases: [ConvolutionCase] = [
        ConvolutionCase(batch: 3, height: 7, width: 9, inputs: 3, outputs: 33, window: (3, 2),
                        padding: Margins(top: 1, bottom: 0, left: 2, right: 1)),
        ConvolutionCase(batch: 1, height: 9, width: 7, inputs: 5, outputs: 17, window: (5, 5), strides: (2, 2),
                        padding: .symmetric(2)),
        ConvolutionCase(batch: 1, height: 9, width: 9, inputs: 1, outputs: 17, window: (5, 5), strides: (2, 1),
                        padding: Margins(top: 2, bottom: 1, left: 0, right: 3)),
        ConvolutionCase(batch: 3, height: 5, width: 5, inputs: 17, outputs: 5, window: (1, 1)),
        ConvolutionCase(batch: 1, height: 7, width: 5, inputs: 17, outputs: 3, window: (1, 1), strides: (2, 2)),
        ConvolutionCase(batch: 3, height: 4, width: 4, inputs: 3, outputs: 17, window: (4, 4)),
        ConvolutionCase(batch: 1, height: 1, width: 1, inputs: 33, outputs: 1, window: (3, 3), padding: .symmetric(1)),
        ConvolutionCase(batch: 1, height: 5, width: 5, inputs: 3, outputs: 5, window: (3, 3), padding: .symmetric(4)),
        ConvolutionCase(batch: 0, height: 5, width: 5, inputs: 3, outputs: 5, window: (3, 3), padding: .symmetric(1)),
        ConvolutionCase(batch: 0, height: 4, width: 4, inputs: 3, outputs: 5, window: (4, 4)),
        ConvolutionCase(batch: 1, height: 5, width: 6, inputs: 3, outputs: 32, window: (5, 5), padding: .symmetric(2)),
        // 192 output pixels per image: the filter gradient sums over image blocks of two
        // (ConvolutionKernels.blockPixels = 512), the last one partial.
        ConvolutionCase(batch: 5, height: 16, width: 12, inputs: 2, outputs: 5, window: (3, 3), padding: .symmetric(1)),
    ] + winogradCases

    /// Shapes the Winograd kernel computes (5×5 or 3×3 windows, unit strides, whole panels of
    /// channels for Float and Double at every level: multiples of 32 `Float`s): odd output sizes
    /// (partial tiles of 4 or 6 pixels), asymmetric and no padding, batches of 0 and 1, a batch
    /// of nine (five image groups for the filter gradient, the last partial) and a batch whose
    /// tiles span several blocks.
    static let lanes = 32
    static let winogradCases: [ConvolutionCase] = [
        ConvolutionCase(batch: 3, height: 7, width: 9, inputs: lanes, outputs: 2 * lanes, window: (5, 5), padding: .symmetric(2)),
        ConvolutionCase(batch: 2, height: 6, width: 5, inputs: 2 * lanes, outputs: lanes, window: (5, 5),
                        padding: Margins(top: 1, bottom: 3, left: 0, right: 2)),
        ConvolutionCase(batch: 9, height: 8, width: 8, inputs: lanes, outputs: lanes, window: (5, 5), padding: .symmetric(2)),
        ConvolutionCase(batch: 1, height: 9, width: 10, inputs: lanes, outputs: lanes, window: (5, 5)),
        ConvolutionCase(batch: 5, height: 16, width: 16, inputs: lanes, outputs: lanes, window: (5, 5), padding: .symmetric(2)),
        ConvolutionCase(batch: 2, height: 11, width: 7, inputs: lanes, outputs: 2 * lanes, window: (3, 3),
                        padding: .symmetric(1)),
        ConvolutionCase(batch: 1, height: 10, width: 9, inputs: 2 * lanes, outputs: lanes, window: (3, 3),
                        padding: Margins(top: 0, bottom: 2, left: 1, right: 0)),
        ConvolutionCase(batch: 1, height: 12, width: 13, inputs: lanes, outputs: lanes, window: (3, 3)),
        ConvolutionCase(batch: 0, height: 12, width: 12, inputs: lanes, outputs: lanes, window: (3, 3), padding: .symmetric(1)),
    ]

    @Test("The Winograd cases take the Winograd kernel, spanning several blocks")
    func winogradCasesApply() {
        for shape in Self.winogradCases {
            #expect(WinogradConvolution<Float>.applies(to: shape.geometry), "\(shape.testDescription)")
            #expect(WinogradConvolution<Double>.applies(to: shape.geometry), "\(shape.testDescription)")
        }
        let large = Self.winogradCases[4].geometry
        let images = [Float](repeating: 0, count: large.inputShape.elementCount)
        let (imageTiles, blockTiles) = images.withUnsafeBufferPointer { images in
            let convolution = WinogradConvolution(images: images.baseAddress!, large)
            return (convolution.imageTiles, convolution.blockTiles)
        }
        #expect(imageTiles * 5 > blockTiles)
    }

    @Test("One case spans several image blocks of the filter gradient")
    func severalFilterGradientBlocks() {
        let imagePixels = 16 * 12, block = ConvolutionKernels<Float>.blockPixels
        #expect(Self.cases.contains { $0.batch == 5 && $0.height == 16 && $0.width == 12 && $0.padding == .symmetric(1) })
        // A block holds whole images (at least one), but not all five.
        #expect(imagePixels <= block && 5 * imagePixels > block)
    }

    @Test("Float, on 1, 2 and 3 threads", arguments: cases)
    func float(_ shape: ConvolutionCase) {
        Self.compare(Float.self, shape, tolerance: 2e-5, using: .baseline(Float.self))
    }

    @Test("Double, on 1, 2 and 3 threads", arguments: cases)
    func double(_ shape: ConvolutionCase) {
        Self.compare(Double.self, shape, tolerance: 1e-13, using: .baseline(Double.self))
    }

    @Test("Float and Double, every instruction-set level's table", arguments: runnableLevels, cases)
    func levels(_ level: KernelLevel, _ shape: ConvolutionCase) {
        Self.compare(Float.self, shape, tolerance: 2e-5, using: .table(level.table(Float.self)))
        Self.compare(Double.self, shape, tolerance: 1e-13, using: .table(level.table(Double.self)))
    }

    typealias Reference<T> = (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, ConvolutionGeometry) -> Void
    typealias Fast<T> = (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, ConvolutionGeometry, Int) -> Void

    /// The fast kernels under test, and the thread counts they run on.
    struct FastKernels<T> {
        var convolution: (UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>?, Bool, UnsafeMutablePointer<T>,
                          ConvolutionGeometry, Int) -> Void
        var inputGradient: Fast<T>, filterGradient: Fast<T>
        var threads: [Int]

        /// The baseline module's kernels, on an explicit number of threads (even for small shapes).
        static func baseline(_: T.Type) -> FastKernels where T: VectorKernelScalar {
            FastKernels(convolution: { ConvolutionKernels<T>.convolution($0, $1, $2, $3, $4, $5, threads: $6) },
                        inputGradient: ConvolutionKernels<T>.inputGradient,
                        filterGradient: ConvolutionKernels<T>.filterGradient, threads: [1, 2, 3])
        }

        /// A table's entries (on one thread: the test shapes are below the threshold for more).
        static func table(_ table: KernelTable<T>) -> FastKernels {
            FastKernels(convolution: { x, w, b, rectify, y, g, _ in table.convolution(x, w, b, rectify, y, g) },
                        inputGradient: { gy, w, gx, g, _ in table.convolutionInputGradient(gy, w, gx, g) },
                        filterGradient: { x, gy, gw, g, _ in table.convolutionFilterGradient(x, gy, gw, g) }, threads: [1])
        }
    }

    /// Each fast kernel against its reference on random operands: within `tolerance` (relative
    /// to the largest reference value), and bit-identical on every thread count of `fast`. The
    /// convolution runs without a bias, with one, and with one and the ReLU.
    static func compare<T: VectorKernelScalar>(_: T.Type, _ shape: ConvolutionCase, tolerance: T, using fast: FastKernels<T>) {
        let g = shape.geometry
        var generator = SeededGenerator(seed: 2024)
        func random(_ shape: [Int]) -> [T] { (0..<shape.elementCount).map { _ in T.random(in: -1..<1, using: &generator) } }
        let (x, w, gy, b) = (random(g.inputShape), random(g.filterShape), random(g.outputShape), random([g.outputChannels]))
        func convolution(bias: [T]?, rectify: Bool) -> (Reference<T>, Fast<T>) {
            func withBias(_ body: (UnsafePointer<T>?) -> Void) {
                guard let bias else { return body(nil) }
                bias.withUnsafeBufferPointer { body($0.baseAddress) }
            }
            return ({ x, w, y, g in withBias { ReferenceKernels<T>.convolution(x, w, $0, rectify, y, g) } },
                    { x, w, y, g, threads in withBias { fast.convolution(x, w, $0, rectify, y, g, threads) } })
        }
        let (plain, biased, rectified) = (convolution(bias: nil, rectify: false), convolution(bias: b, rectify: false),
                                          convolution(bias: b, rectify: true))
        let kernels: [(String, [T], [T], Int, Reference<T>, Fast<T>)] = [
            ("convolution", x, w, g.outputShape.elementCount, plain.0, plain.1),
            ("convolution + bias", x, w, g.outputShape.elementCount, biased.0, biased.1),
            ("convolution + bias + ReLU", x, w, g.outputShape.elementCount, rectified.0, rectified.1),
            ("input gradient", gy, w, g.inputShape.elementCount,
             ReferenceKernels<T>.convolutionInputGradient, fast.inputGradient),
            ("filter gradient", x, gy, g.filterShape.elementCount,
             ReferenceKernels<T>.convolutionFilterGradient, fast.filterGradient),
        ]
        for (name, a, b, count, reference, kernel) in kernels {
            func result(_ kernel: (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) -> [T] {
                [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    kernel(a, b, buffer.baseAddress!)
                    initialized = count
                }
            }
            let expected = result { reference($0, $1, $2, g) }
            let single = result { kernel($0, $1, $2, g, 1) }
            let scale = max(1, expected.map(abs).max() ?? 0)
            let error = zip(single, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(error <= tolerance * scale, "\(name): largest difference \(error) for values up to \(scale)")
            for threads in fast.threads.dropFirst() {
                let other = result { kernel($0, $1, $2, g, threads) }
                let difference = zip(other, single).enumerated().first { $1.0 != $1.1 }?.offset
                #expect(difference == nil, "\(name): \(threads) threads differ from 1 at \(difference ?? -1)")
            }
        }
    }
}
