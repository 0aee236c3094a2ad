import Testing
@testable import Autograd

@Suite("Convolution and pooling: seed examples, hand-computed values and shapes")
struct ConvolutionPoolingTests {
    /// The matrix of a 1-D filter moved by `stride`, as seed 004 writes (7.1) and (7.2): row r
    /// holds the filter in columns r·stride …
    static func slidingFilterMatrix(_ filter: [Double], stride: Int, rows: Int, columns: Int) -> Tensor<Double> {
        var matrix = Tensor<Double>.zeros([rows, columns])
        for row in 0..<rows {
            for (offset, weight) in filter.enumerated() { matrix[row, row * stride + offset] = weight }
        }
        return matrix
    }

    /// conv2d of `x` as an image of height 1 against multiplication by `matrix` (after
    /// `rightPadding` zeros are appended to x), and its input gradient against matrixᵀ.
    static func expectMatrixForm(of x: Tensor<Double>, filter: [Double], stride: Int, rightPadding: Int,
                                 matrix: Tensor<Double>) {
        let (count, outputs) = (x.elementCount, matrix.shape[0])
        let w = Tensor(filter, shape: [1, filter.count, 1, 1])
        let padding = Padding(top: 0, bottom: 0, left: 0, right: rightPadding)
        let (y, pullback) = valueWithPullback(at: x.reshaped(to: [1, 1, count, 1])) {
            conv2d($0, filter: w, strides: (1, stride), padding: padding)
        }
        let padded = Tensor(x.scalars + Array(repeating: 0, count: rightPadding), shape: [count + rightPadding, 1])
        let expected = matmul(matrix, padded)
        #expect(y.shape == [1, 1, outputs, 1])
        #expect(y.reshaped(to: [outputs, 1]).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12), "\(y) vs \(expected)")

        let g = randomTensor([outputs, 1], seed: 17)
        let gradient = pullback(g.reshaped(to: y.shape))
        let transposed = matmul(matrix, g, transposeA: true).scalars.prefix(count)
        #expect(gradient.isApproximatelyEqual(to: Tensor(Array(transposed), shape: [1, 1, count, 1]), absoluteTolerance: 1e-12),
                "\(gradient) vs \(Array(transposed))")
    }

    @Test("seed 004 (7.1): filter [1, −1], stride 1 is the 5×6 difference matrix, y_k = x_k − x_{k+1}; backward is Mᵀ")
    func seedEquation71() {
        let x = randomTensor([6], seed: 71)
        let matrix = Self.slidingFilterMatrix([1, -1], stride: 1, rows: 5, columns: 6)
        Self.expectMatrixForm(of: x, filter: [1, -1], stride: 1, rightPadding: 0, matrix: matrix)
        let y = conv2d(x.reshaped(to: [1, 1, 6, 1]), filter: Tensor([1, -1], shape: [1, 2, 1, 1])).scalars
        for k in 0..<5 { #expect(abs(y[k] - (x.scalars[k] - x.scalars[k + 1])) < 1e-15) }
    }

    @Test("seed 004 (7.2): filter a, b, c, d, stride 2, x1…x9 and one zero on the right is the 4×10 matrix; backward is Mᵀ")
    func seedEquation72() {
        let x = randomTensor([9], seed: 72)
        let filter = randomTensor([4], seed: 73).scalars
        let matrix = Self.slidingFilterMatrix(filter, stride: 2, rows: 4, columns: 10)
        Self.expectMatrixForm(of: x, filter: filter, stride: 2, rightPadding: 1, matrix: matrix)
    }

    @Test("Sobel-x with padding 1 is a cross-correlation: positive where the image brightens to the right")
    func sobel() {
        let (height, width) = (4, 5)
        let sobelX = Tensor<Double>([-1, 0, 1, -2, 0, 2, -1, 0, 1], shape: [3, 3, 1, 1])
        let image = randomTensor([1, height, width, 1], seed: 5)
        let y = conv2d(image, filter: sobelX, padding: .symmetric(1))
        #expect(y.shape == [1, height, width, 1])
        func pixel(_ r: Int, _ c: Int) -> Double {
            (0..<height).contains(r) && (0..<width).contains(c) ? image[0, r, c, 0] : 0
        }
        // Cross-correlation convention: the right column minus the left one, middle row doubled.
        for r in 0..<height {
            for c in 0..<width {
                let right = pixel(r - 1, c + 1) + 2 * pixel(r, c + 1) + pixel(r + 1, c + 1)
                let left = pixel(r - 1, c - 1) + 2 * pixel(r, c - 1) + pixel(r + 1, c - 1)
                #expect(abs(y[0, r, c, 0] - (right - left)) < 1e-12, "pixel (\(r), \(c))")
            }
        }
        // A ramp x[r, c] = c gives (c + 1 − (c − 1)) · (1 + 2 + 1) = +8 inside the image; a flipped
        // (true) convolution would give −8.
        let ramp = Tensor<Double>((0..<height * width).map { Double($0 % width) }, shape: [1, height, width, 1])
        let response = conv2d(ramp, filter: sobelX, padding: .symmetric(1))
        for r in 1..<height - 1 {
            for c in 1..<width - 1 { #expect(response[0, r, c, 0] == 8) }
        }
    }

    /// A 4×4 image with two channels (the second is the negated first), NHWC.
    static let poolingImage: Tensor<Double> = {
        let channel: [Double] = [
             1,  5, 2, 2,
             3,  0, 2, 1,
            -1, -4, 7, 7,
            -2, -3, 0, 7,
        ]
        return Tensor(channel.flatMap { [$0, -$0] }, shape: [1, 4, 4, 2])
    }()

    /// `pool` (2×2 windows, stride 2) applied to the pooling image, and the pullback of the
    /// cotangent [[10, 20], [30, 40]] (negated in channel 1), each split into its two channels.
    static func pooledWithGradient(
        _ pool: (Tensor<Double>) -> Tensor<Double>
    ) -> (value: [[Double]], gradient: [[Double]]) {
        let cotangent = Tensor<Double>([10, -10, 20, -20, 30, -30, 40, -40], shape: [1, 2, 2, 2])
        let (y, pullback) = valueWithPullback(at: poolingImage, of: pool)
        #expect(y.shape == [1, 2, 2, 2])
        func channels(_ tensor: Tensor<Double>) -> [[Double]] {
            (0..<2).map { c in stride(from: c, to: tensor.elementCount, by: 2).map { tensor.scalars[$0] } }
        }
        return (channels(y), channels(pullback(cotangent)))
    }

    @Test("2×2 max pooling, stride 2: values, and the gradient goes to the first maximum in row-major window order")
    func maxPoolingRoutes() {
        let (y, gradient) = Self.pooledWithGradient { maxPool2d($0, window: (2, 2), strides: (2, 2)) }
        #expect(y == [[5, 2, -1, 7], [0, -1, 4, 0]])
        // Channel 0: the top-right window ties 2, 2, 2 and the bottom-right one 7, 7, 7; the first
        // of each (row 0 column 2, row 2 column 2) receives the whole cotangent.
        #expect(gradient[0] == [
            0, 10, 20, 0,
            0,  0,  0, 0,
           30,  0, 40, 0,
            0,  0,  0, 0,
        ])
        #expect(gradient[1] == [
            0,   0, 0,   0,
            0, -10, 0, -20,
            0, -30, 0,   0,
            0,   0, -40, 0,
        ])
    }

    @Test("2×2 average pooling, stride 2: values and a quarter of the cotangent to every cell")
    func averagePooling() {
        let (y, gradient) = Self.pooledWithGradient { avgPool2d($0, window: (2, 2), strides: (2, 2)) }
        #expect(y == [[2.25, 1.75, -2.5, 5.25], [-2.25, -1.75, 2.5, -5.25]])
        #expect(gradient[0] == [
            2.5, 2.5, 5, 5,
            2.5, 2.5, 5, 5,
            7.5, 7.5, 10, 10,
            7.5, 7.5, 10, 10,
        ])
        #expect(gradient[1] == gradient[0].map { -$0 })
    }

    @Test("with padding, max pooling never picks a padding cell and average pooling divides by the whole window")
    func poolingWithPadding() {
        let image = Tensor<Double>([-1, -2, -3, -4, -5, -6, -7, -8, -9], shape: [1, 3, 3, 1])
        let padding = Padding(top: 0, bottom: 1, left: 0, right: 1)
        let maximum = maxPool2d(image, window: (2, 2), strides: (2, 2), padding: padding)
        #expect(maximum == Tensor([-1, -3, -7, -9], shape: [1, 2, 2, 1]))
        let average = avgPool2d(image, window: (2, 2), strides: (2, 2), padding: padding)
        #expect(average == Tensor([-3, -2.25, -3.75, -2.25], shape: [1, 2, 2, 1]))
    }

    @Test("output sizes are ⌊(in + pad before + pad after − window) / stride⌋ + 1 per axis")
    func outputShapes() {
        let x = Tensor<Float>.zeros([2, 7, 9, 3])
        #expect(conv2d(x, filter: .zeros([3, 3, 3, 8])).shape == [2, 5, 7, 8])
        #expect(conv2d(x, filter: .zeros([3, 3, 3, 8]), padding: .symmetric(1)).shape == [2, 7, 9, 8])
        // Height (7 + 1 − 3) / 2 + 1 = 3, width (9 + 3 − 2) / 3 + 1 = 4.
        #expect(conv2d(x, filter: .zeros([3, 2, 3, 4]), strides: (2, 3),
                       padding: Padding(top: 1, bottom: 0, left: 2, right: 1)).shape == [2, 3, 4, 4])
        #expect(conv2d(Tensor<Float>.zeros([1, 32, 32, 3]), filter: .zeros([5, 5, 3, 32]), padding: .symmetric(2)).shape
                == [1, 32, 32, 32])
        #expect(maxPool2d(x, window: (2, 2), strides: (2, 2)).shape == [2, 3, 4, 3])
        #expect(maxPool2d(x, window: (2, 2), strides: (2, 2), padding: Padding(top: 0, bottom: 1, left: 0, right: 1)).shape
                == [2, 4, 5, 3])
        #expect(avgPool2d(x, window: (3, 2), strides: (1, 2)).shape == [2, 5, 4, 3])
    }

    /// A small CNN loss: convolution, tanh, max pooling, padded average pooling, a strided convolution.
    static func cnnLoss(_ v: [Tensor<Double>]) -> Tensor<Double> {
        let features = conv2d(v[0], filter: v[1], padding: Padding(top: 1, bottom: 1, left: 0, right: 1)).tanh()
        let pooled = maxPool2d(features, window: (2, 2), strides: (2, 2))
        let averaged = avgPool2d(pooled, window: (2, 2), strides: (1, 1), padding: .symmetric(1))
        let head = conv2d(averaged, filter: v[2], strides: (2, 1))
        return (head * head).sum() + (averaged * averaged).sum()
    }

    @Test("Hessian-vector product of a CNN loss (input and both filters) matches finite differences of gradients")
    func hessianVectorProduct() {
        let shapes: [Shape] = [[2, 6, 5, 2], [3, 2, 2, 3], [2, 2, 3, 2]]
        let point = shapes.enumerated().map { randomTensor($1, seed: UInt64(30 + $0)) }
        let direction = shapes.enumerated().map { randomTensor($1, seed: UInt64(40 + $0)) }
        let hv = gradient(at: point) { p in
            zip(gradient(at: p, of: Self.cnnLoss), direction).map { ($0 * $1).sum() }.reduce(Tensor(0), +)
        }
        let h = 1e-5
        let plus = gradient(at: zip(point, direction).map { $0 + $1 * h }, of: Self.cnnLoss)
        let minus = gradient(at: zip(point, direction).map { $0 - $1 * h }, of: Self.cnnLoss)
        for i in shapes.indices {
            let reference = (plus[i] - minus[i]) / (2 * h)
            #expect(hv[i].isApproximatelyEqual(to: reference, absoluteTolerance: 1e-6, relativeTolerance: 1e-4),
                    "argument \(i): Hv \(hv[i])\nreference \(reference)")
            #expect(hv[i].scalars.contains { abs($0) > 1e-2 }, "the Hessian-vector product must not vanish")
        }
    }

    @Test("conv2d with a fused bias (and ReLU) equals conv2d then addingBias, values and gradients bit for bit",
          arguments: [
              // 33 filters: whole panels of output channels and a partial one; an asymmetric padding (direct kernel).
              ([3, 7, 6, 4], [3, 3, 4, 33], Padding(top: 1, bottom: 0, left: 2, right: 1)),
              // 5×5 over whole panels of channels in and out (32: two panels of 16, or one of 32 with
              // AVX-512), odd sizes: the Winograd kernel.
              ([2, 7, 5, 32], [5, 5, 32, 32], Padding.symmetric(2)),
          ] as [(Shape, Shape, Padding)])
    func fusedBiasMatchesSeparateBias(input: Shape, filter: Shape, padding: Padding) {
        var generator = SeededGenerator(seed: 8)
        let x = Tensor<Float>(randomNormal: input, using: &generator)
        let w = Tensor<Float>(randomNormal: filter, using: &generator)
        let b = Tensor<Float>(randomNormal: [filter[3]], using: &generator)
        let weights = Tensor<Float>(randomNormal: conv2d(x, filter: w, padding: padding).shape, using: &generator)
        for rectified in [false, true] {
            let fused = valueWithGradient(at: [x, w, b]) { v in
                (conv2d(v[0], filter: v[1], bias: v[2], padding: padding, rectified: rectified) * weights).sum()
            }
            let separate = valueWithGradient(at: [x, w, b]) { v in
                (conv2d(v[0], filter: v[1], padding: padding).addingBias(v[2], rectified: rectified) * weights).sum()
            }
            #expect(fused.value == separate.value && fused.gradient == separate.gradient, "rectified: \(rectified)")
        }
        let output = conv2d(x, filter: w, bias: b, padding: padding, rectified: true).scalars
        #expect(output.contains(0) && output.contains { $0 > 0 }, "the ReLU must cut some outputs and pass others")
    }

    @Test("bad shapes stop with a message naming the operation, both shapes and the call site")
    func badShapesStop() async {
        let channels = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor<Float>.zeros([1, 4, 4, 3]), filter: .zeros([3, 3, 2, 8]))
        }
        let window = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor<Float>.zeros([1, 3, 4, 2]), window: (5, 2), strides: (1, 1),
                          padding: Padding(top: 0, bottom: 1, left: 0, right: 0))
        }
        let stride = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = avgPool2d(Tensor<Float>.zeros([1, 4, 4, 2]), window: (2, 2), strides: (0, 2))
        }
        let rank = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor<Float>.zeros([4, 4, 3]), filter: .zeros([3, 3, 3, 8]))
        }
        let bias = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor<Float>.zeros([1, 4, 4, 3]), filter: .zeros([3, 3, 3, 8]), bias: .zeros([3]))
        }
        let expectations = [
            (channels, "conv2d: shapes [1, 4, 4, 3] and [3, 3, 2, 8]"),
            (window, "maxPool2d: shapes [1, 3, 4, 2] and window [5, 2]"),
            (stride, "avgPool2d: shapes [1, 4, 4, 2] and window [2, 2]"),
            (rank, "conv2d: shapes [4, 4, 3] and [3, 3, 3, 8]"),
            (bias, "conv2d: shapes [3, 3, 3, 8] and [3] do not match"),
        ]
        for (result, text) in expectations {
            let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
            #expect(message.contains(text), "\(message)")
            #expect(message.contains("ConvolutionPoolingTests.swift"), "\(message)")
        }
    }
}
