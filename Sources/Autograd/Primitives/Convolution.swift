import KernelSupport

// 2-D convolution of NHWC images with HWIO filters, and the checks shared with pooling.
//
// conv2d is a cross-correlation, as deep-learning frameworks define it: the filter slides over
// the image without being flipped. Seed 004 §7.1 defines a true (flipped) convolution,
// y_k = Σₙ xₙ g_{k−n}, but its matrix examples (7.1) and (7.2) are cross-correlations (see
// MATH.md §0 and §1.15); flipping a filter turns one convention into the other.
//
// Three mutually adjoint primitives, each bilinear, so that derivatives of derivatives are exact:
//   y = conv(x, w),   x̄ = convT(ȳ, w),   w̄ = convF(x, ȳ),   with
//   ⟨conv(x, w), g⟩ = ⟨x, convT(g, w)⟩ = ⟨convF(x, g), w⟩ for all x, w, g.
// Bilinearity gives every pushforward: B(ȧ, b) + B(a, ḃ). The identity gives every pullback:
//   conv(x, w)   pulls ȳ back to (convT(ȳ, w), convF(x, ȳ)),
//   convT(g, w)  pulls ū back to (conv(ū, w),  convF(ū, g)),
//   convF(x, g)  pulls v̄ back to (convT(g, v̄), conv(x, v̄)).

/// Zero padding added to each side of the image's height and width.
public struct Padding: Hashable, Sendable {
    /// Rows of zeros above, rows below, columns on the left and columns on the right.
    public var top, bottom, left, right: Int

    /// Padding with its own amount on each side (all non-negative).
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// The same amount on all four sides.
    public static func symmetric(_ amount: Int) -> Padding {
        Padding(top: amount, bottom: amount, left: amount, right: amount)
    }

    /// No padding: windows lie entirely inside the image.
    public static let valid = Padding(top: 0, bottom: 0, left: 0, right: 0)

    /// The same amounts, as the kernels take them.
    var margins: Margins { Margins(top: top, bottom: bottom, left: left, right: right) }
}

/// The 2-D cross-correlation (the deep-learning "convolution", no filter flip) of a batch of
/// NHWC images `input` ([N, H, W, Cin]) with `filter` ([kh, kw, Cin, Cout]), zero `padding`
/// added around each image and the filter moved by `strides`:
///
///     y[n, r, c, o] = Σ_{i, j, k} x[n, r·sh − top + i, c·sw − left + j, k] · w[i, j, k, o]
///
/// The result is [N, Ho, Wo, Cout] with Ho = ⌊(H + top + bottom − kh) / sh⌋ + 1 (likewise Wo).
/// Pullback: (convT(ȳ, w), convF(x, ȳ)), both differentiable again; pushforward:
/// conv(ẋ, w) + conv(x, ẇ).
@_specialize(where Scalar == Float)
public func conv2d<Scalar: TensorScalar>(
    _ input: Tensor<Scalar>, filter: Tensor<Scalar>, strides: (height: Int, width: Int) = (1, 1),
    padding: Padding = .valid, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    convolution(input, filter, ConvolutionGeometry(conv2d: input.shape, filter: filter.shape, strides: strides,
                                                   padding: padding, file: file, line: line))
}

/// conv2d with a bias per output channel, then a ReLU when `rectified`, in one pass: the
/// convolution adds the bias and rectifies as it stores each output tile. The same values as
/// `conv2d(input, filter: filter).addingBias(bias, rectified: rectified)`, without a second pass
/// over the output. `bias` is [Cout].
/// Pullback: (convT(z̄, w), convF(x, z̄), z̄ summed over N, H, W) with z̄ = ȳ, or ȳ ∘ 1[y > 0]
/// when rectified; pushforward: conv(ẋ, w) + conv(x, ẇ) + ḃ, masked alike.
@_specialize(where Scalar == Float)
public func conv2d<Scalar: TensorScalar>(
    _ input: Tensor<Scalar>, filter: Tensor<Scalar>, bias: Tensor<Scalar>, strides: (height: Int, width: Int) = (1, 1),
    padding: Padding = .valid, rectified: Bool = false, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    let geometry = ConvolutionGeometry(conv2d: input.shape, filter: filter.shape, strides: strides, padding: padding,
                                       file: file, line: line)
    guard bias.shape == [geometry.outputChannels] else {
        Tensor<Scalar>.shapeMismatch("conv2d", filter.shape, bias.shape, "do not match (the bias needs one element per filter, Cout)",
                                     file: file, line: line)
    }
    return biasedConvolution(input, filter, bias, geometry, rectified: rectified)
}

/// y = conv(x, w) + b, rectified when `rectified`.
@_specialize(where Scalar == Float)
func biasedConvolution<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ b: Tensor<Scalar>, _ g: ConvolutionGeometry,
                               rectified: Bool) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.convolution(inputs.first, inputs.second, inputs.third, rectified, output, g)
    }
    return .applying(rectified ? .conv2dBiasRelu : .conv2dBias, forward, to: x, w, b, shape: Shape(g.outputShape)) {
        let (needsInput, needsFilter, needsBias, biasShape) = (x.isRecorded, w.isRecorded, b.isRecorded, b.shape)
        return DerivativeRules(
            pullback: { cotangent, output in
                let z = rectified ? cotangent.reluBackward(input: output) : cotangent
                return Tangents(needsInput ? convolutionInputGradient(z, w, g) : nil,
                                needsFilter ? convolutionFilterGradient(x, z, g) : nil,
                                needsBias ? z.summed(toShape: biasShape) : nil)
            },
            pushforward: { t, output in
                let terms = [t.first.map { convolution($0, w, g) }, t.second.map { convolution(x, $0, g) },
                             t.third?.broadcast(to: Shape(g.outputShape))].compactMap { $0 }
                let z = terms.dropFirst().reduce(terms[0], +)
                return rectified ? z.reluBackward(input: output) : z
            })
    }
}

/// y = conv(x, w).
@_specialize(where Scalar == Float)
func convolution<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ g: ConvolutionGeometry) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.convolution(inputs.first, inputs.second, nil, false, output, g)
    }
    return .applying(.conv2d, forward, to: x, w, shape: Shape(g.outputShape)) {
        .bilinear(x, w, product: { convolution($0, $1, g) },
                  first: { convolutionInputGradient($0, w, g) }, second: { convolutionFilterGradient(x, $0, g) })
    }
}

/// x̄ = convT(ȳ, w): the cotangent of conv2d's input, shaped like the input.
@_specialize(where Scalar == Float)
func convolutionInputGradient<Scalar: TensorScalar>(_ gy: Tensor<Scalar>, _ w: Tensor<Scalar>, _ g: ConvolutionGeometry) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.convolutionInputGradient(inputs.first, inputs.second, output, g)
    }
    return .applying(.conv2dInputGradient, forward, to: gy, w, shape: Shape(g.inputShape)) {
        .bilinear(gy, w, product: { convolutionInputGradient($0, $1, g) },
                  first: { convolution($0, w, g) }, second: { convolutionFilterGradient($0, gy, g) })
    }
}

/// w̄ = convF(x, ȳ): the cotangent of conv2d's filter, shaped like the filter.
@_specialize(where Scalar == Float)
func convolutionFilterGradient<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ gy: Tensor<Scalar>, _ g: ConvolutionGeometry) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.convolutionFilterGradient(inputs.first, inputs.second, output, g)
    }
    return .applying(.conv2dFilterGradient, forward, to: x, gy, shape: Shape(g.filterShape)) {
        .bilinear(x, gy, product: { convolutionFilterGradient($0, $1, g) },
                  first: { convolutionInputGradient(gy, $0, g) }, second: { convolution(x, $0, g) })
    }
}

extension ConvolutionGeometry {
    /// The geometry of conv2d over NHWC images of shape `input` with an HWIO `filter`, or a stop
    /// naming conv2d, both shapes and the caller's location when they do not fit.
    init(conv2d input: Shape, filter: Shape, strides: (height: Int, width: Int), padding: Padding,
         file: StaticString, line: UInt) {
        let problem = "do not fit (input [N, H, W, Cin], filter [kh, kw, Cin, Cout] with the same Cin)"
        guard input.rank == 4, filter.rank == 4, input[3] == filter[2] else {
            windowMismatch("conv2d", input, "\(filter)", problem, file: file, line: line)
        }
        let window = SlidingWindow("conv2d", over: input, filter: "\(filter)", size: (filter[0], filter[1]),
                                   strides: strides, padding: padding, file: file, line: line)
        self.init(window: window, inputChannels: filter[2], outputChannels: filter[3])
    }
}

extension SlidingWindow {
    /// The window of `operation` (conv2d, maxPool2d, avgPool2d) over NHWC images of shape `input`,
    /// or a stop naming the operation, the input shape, the `filter` (or window) and the caller's
    /// location when the sizes do not fit. Pooling also requires each padding to be smaller than
    /// the window (`paddingBelowWindow`), so that every window holds at least one image cell.
    init(
        _ operation: String, over input: Shape, filter: String, size: (height: Int, width: Int),
        strides: (height: Int, width: Int), padding: Padding, paddingBelowWindow: Bool = false,
        file: StaticString, line: UInt
    ) {
        func stop(_ problem: String) -> Never { windowMismatch(operation, input, filter, problem, file: file, line: line) }
        guard input.rank == 4 else { stop("do not fit (the input must be rank 4: [N, H, W, C])") }
        guard size.height > 0, size.width > 0 else { stop("do not fit (the window \(size.height)×\(size.width) is empty)") }
        guard strides.height > 0, strides.width > 0 else {
            stop("do not fit (strides must be positive, got \(strides.height)×\(strides.width))")
        }
        let sides = [padding.top, padding.bottom, padding.left, padding.right]
        guard sides.allSatisfy({ $0 >= 0 }) else { stop("do not fit (padding must not be negative, got \(padding))") }
        let (height, width) = (input[1] + padding.top + padding.bottom, input[2] + padding.left + padding.right)
        guard size.height <= height, size.width <= width else {
            stop("do not fit (the \(size.height)×\(size.width) window is larger than the padded \(height)×\(width) image)")
        }
        guard !paddingBelowWindow || (padding.top < size.height && padding.bottom < size.height
                                      && padding.left < size.width && padding.right < size.width) else {
            stop("do not fit (each padding must be smaller than the \(size.height)×\(size.width) window, got \(padding))")
        }
        self.init(batch: input[0], inputHeight: input[1], inputWidth: input[2],
                  windowHeight: size.height, windowWidth: size.width,
                  strideHeight: strides.height, strideWidth: strides.width, padding: padding.margins)
    }
}

/// Stops with a message naming `operation`, the input shape, the filter or window, the problem
/// and the caller's location.
func windowMismatch(
    _ operation: String, _ input: Shape, _ filter: String, _ problem: String, file: StaticString, line: UInt
) -> Never {
    fatalError("\(operation): shapes \(input) and \(filter) \(problem)", file: file, line: line)
}
