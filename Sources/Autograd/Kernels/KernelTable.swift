/// The CPU kernels of one scalar type: raw loops on pointers, with no knowledge of the tape.
///
/// Tensor code calls kernels through this table, so generic tensor code costs one indirect call
/// per operation and every loop runs specialised for `Float` or `Double`. One kernel serves the
/// forward and the backward callers alike. Faster kernels replace entries of the table without
/// touching any primitive.
public final class KernelTable<Scalar: TensorScalar>: Sendable {
    /// `output[i] = operation(input[i])` for `count` elements.
    let unary: @Sendable (_ operation: UnaryKernel<Scalar>, _ input: UnsafePointer<Scalar>,
                          _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// `output[i] = lhs[i] ∘ rhs[i]` for `count` elements.
    let binary: @Sendable (_ operation: BinaryKernel<Scalar>, _ lhs: UnsafePointer<Scalar>, _ rhs: UnsafePointer<Scalar>,
                           _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// `output[r, c] = input[r, c] + bias[c]` over `rows` rows of `columns`, then max(0, ·) when `rectify`.
    let addBias: @Sendable (_ input: UnsafePointer<Scalar>, _ bias: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                            _ rows: Int, _ columns: Int, _ rectify: Bool) -> Void
    /// `C = op(A) · op(B)` (or `C += …` when `accumulate`), row-major, see ``GemmOperands``.
    let gemm: @Sendable (_ operands: GemmOperands<Scalar>) -> Void
    /// Copies `input` (shape `source`, right-aligned and broadcast) into `output` of shape `target`.
    let broadcast: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void
    /// Sums `input` of shape `source` into `output` of the broadcast-compatible shape `target`
    /// (the adjoint of `broadcast`).
    let reduceSum: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void
    /// `output` = `input` (shape `source`) with its axes permuted: output axis i is input axis `permutation[i]`.
    let transpose: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape, _ permutation: [Int],
                              _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// Softmax (or log-softmax when `logarithmic`) along the middle axis of an (outer, size, inner) layout.
    let softmax: @Sendable (_ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                            _ layout: AxisLayout, _ logarithmic: Bool) -> Void
    /// −Σᵢ Σₖ targets[i, k] · log softmax(logits[i, :])ₖ over `rows` rows of `classes` entries.
    let crossEntropy: @Sendable (_ logits: UnsafePointer<Scalar>, _ targets: UnsafePointer<Scalar>,
                                 _ rows: Int, _ classes: Int) -> Scalar
    /// Σ (a[i] − b[i])² over `count` elements.
    let squaredDistance: @Sendable (_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ count: Int) -> Scalar
    /// y = conv(x, w): the cross-correlation of NHWC images with an HWIO filter (zero padding);
    /// with a `bias` (one per output channel), y = conv(x, w) + b, then max(0, ·) when `rectify`.
    let convolution: @Sendable (_ input: UnsafePointer<Scalar>, _ filter: UnsafePointer<Scalar>,
                                _ bias: UnsafePointer<Scalar>?, _ rectify: Bool,
                                _ output: UnsafeMutablePointer<Scalar>, _ geometry: ConvolutionGeometry) -> Void
    /// x̄ = convT(ȳ, w), the adjoint of `convolution` in the image: ⟨conv(x, w), ȳ⟩ = ⟨x, convT(ȳ, w)⟩.
    let convolutionInputGradient: @Sendable (_ outputGradient: UnsafePointer<Scalar>, _ filter: UnsafePointer<Scalar>,
                                             _ inputGradient: UnsafeMutablePointer<Scalar>,
                                             _ geometry: ConvolutionGeometry) -> Void
    /// w̄ = convF(x, ȳ), the adjoint of `convolution` in the filter: ⟨conv(x, w), ȳ⟩ = ⟨convF(x, ȳ), w⟩.
    let convolutionFilterGradient: @Sendable (_ input: UnsafePointer<Scalar>, _ outputGradient: UnsafePointer<Scalar>,
                                              _ filterGradient: UnsafeMutablePointer<Scalar>,
                                              _ geometry: ConvolutionGeometry) -> Void
    /// One value per window and channel of NHWC images, as `operation` says (see ``PoolingKernel``).
    let pool: @Sendable (_ operation: PoolingKernel, _ input: UnsafePointer<Scalar>,
                         _ output: UnsafeMutablePointer<Scalar>, _ geometry: PoolingGeometry) -> Void
    /// The adjoint of `pool` for a fixed choice of cells: spreads each output value back over
    /// the input cells of its window, as `operation` says (see ``PoolingGradientKernel``).
    let poolGradient: @Sendable (_ operation: PoolingGradientKernel, _ outputGradient: UnsafePointer<Scalar>,
                                 _ inputGradient: UnsafeMutablePointer<Scalar>, _ geometry: PoolingGeometry) -> Void

    init(
        unary: @escaping @Sendable (_ operation: UnaryKernel<Scalar>, _ input: UnsafePointer<Scalar>,
                          _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void,
        binary: @escaping @Sendable (_ operation: BinaryKernel<Scalar>, _ lhs: UnsafePointer<Scalar>, _ rhs: UnsafePointer<Scalar>,
                           _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void,
        addBias: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ bias: UnsafePointer<Scalar>,
                             _ output: UnsafeMutablePointer<Scalar>, _ rows: Int, _ columns: Int, _ rectify: Bool) -> Void,
        gemm: @escaping @Sendable (_ operands: GemmOperands<Scalar>) -> Void,
        broadcast: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void,
        reduceSum: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void,
        transpose: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape, _ permutation: [Int],
                              _ output: UnsafeMutablePointer<Scalar>) -> Void,
        softmax: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                            _ layout: AxisLayout, _ logarithmic: Bool) -> Void,
        crossEntropy: @escaping @Sendable (_ logits: UnsafePointer<Scalar>, _ targets: UnsafePointer<Scalar>,
                                 _ rows: Int, _ classes: Int) -> Scalar,
        squaredDistance: @escaping @Sendable (_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ count: Int) -> Scalar,
        convolution: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ filter: UnsafePointer<Scalar>,
                                _ bias: UnsafePointer<Scalar>?, _ rectify: Bool,
                                _ output: UnsafeMutablePointer<Scalar>, _ geometry: ConvolutionGeometry) -> Void,
        convolutionInputGradient: @escaping @Sendable (_ outputGradient: UnsafePointer<Scalar>, _ filter: UnsafePointer<Scalar>,
                                             _ inputGradient: UnsafeMutablePointer<Scalar>,
                                             _ geometry: ConvolutionGeometry) -> Void,
        convolutionFilterGradient: @escaping @Sendable (_ input: UnsafePointer<Scalar>, _ outputGradient: UnsafePointer<Scalar>,
                                              _ filterGradient: UnsafeMutablePointer<Scalar>,
                                              _ geometry: ConvolutionGeometry) -> Void,
        pool: @escaping @Sendable (_ operation: PoolingKernel, _ input: UnsafePointer<Scalar>,
                         _ output: UnsafeMutablePointer<Scalar>, _ geometry: PoolingGeometry) -> Void,
        poolGradient: @escaping @Sendable (_ operation: PoolingGradientKernel, _ outputGradient: UnsafePointer<Scalar>,
                                 _ inputGradient: UnsafeMutablePointer<Scalar>, _ geometry: PoolingGeometry) -> Void
    ) {
        self.unary = unary
        self.binary = binary
        self.addBias = addBias
        self.gemm = gemm
        self.broadcast = broadcast
        self.reduceSum = reduceSum
        self.transpose = transpose
        self.softmax = softmax
        self.crossEntropy = crossEntropy
        self.squaredDistance = squaredDistance
        self.convolution = convolution
        self.convolutionInputGradient = convolutionInputGradient
        self.convolutionFilterGradient = convolutionFilterGradient
        self.pool = pool
        self.poolGradient = poolGradient
    }
}

/// Element-wise unary kernels; `parameter`-carrying cases take their constant along.
public enum UnaryKernel<Scalar: TensorScalar>: Sendable {
    case negate, exp, log, sigmoid, tanh, relu
    /// Multiplication by a constant.
    case scale(Scalar)
    /// max(x, slope · x) for slope in [0, 1): leaky ReLU.
    case leakyRelu(slope: Scalar)
    /// The derivative of leaky ReLU: 1 where x > 0, `slope` elsewhere (slope 0 gives ReLU′, 0 at 0).
    case leakyReluDerivative(slope: Scalar)
}

/// Element-wise binary kernels; `parameter`-carrying cases take their constant along.
public enum BinaryKernel<Scalar: TensorScalar>: Sendable {
    case add, subtract, multiply, divide
    /// lhs + factor · rhs (two roundings: the product, then the sum).
    case addScaled(Scalar)
    /// lhs where rhs > 0, zero elsewhere: ReLU's pullback ḡ ∘ 1[x > 0] (ReLU′(0) = 0).
    case reluBackward
    /// (lhs · rhs) · (1 − rhs): the sigmoid's pullback ḡ ∘ σ(1 − σ) from its output σ.
    case sigmoidBackward
    /// lhs · (1 − rhs · rhs): tanh's pullback ḡ ∘ (1 − t²) from its output t.
    case tanhBackward
}

/// A row-major matrix product `C = op(A) · op(B)`: `op(A)` is m × k, `op(B)` is k × n, C is m × n.
public struct GemmOperands<Scalar: TensorScalar>: @unchecked Sendable {
    var m: Int, n: Int, k: Int
    var a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool
    var b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool
    var c: UnsafeMutablePointer<Scalar>, ldc: Int
    /// Add the product to C instead of overwriting it.
    var accumulate: Bool
}

/// A tensor seen as (outer, size, inner) around one axis: elements along the axis are `inner` apart.
public struct AxisLayout: Sendable, Hashable {
    var outer: Int, size: Int, inner: Int

    init(_ shape: Shape, axis: Int) {
        outer = shape.dimensions[..<axis].reduce(1, *)
        size = shape[axis]
        inner = shape.dimensions[(axis + 1)...].reduce(1, *)
    }
}

/// How a window slides over a batch of images: the image and window sizes, the strides and the
/// zero padding. Output size per axis: ⌊(in + pad before + pad after − window) / stride⌋ + 1.
struct SlidingWindow: Hashable, Sendable {
    var batch: Int, inputHeight: Int, inputWidth: Int
    var windowHeight: Int, windowWidth: Int
    var strideHeight: Int, strideWidth: Int
    var padding: Padding

    var outputHeight: Int { (inputHeight + padding.top + padding.bottom - windowHeight) / strideHeight + 1 }
    var outputWidth: Int { (inputWidth + padding.left + padding.right - windowWidth) / strideWidth + 1 }
    /// The number of window cells.
    var area: Int { windowHeight * windowWidth }
}

/// The sizes of one 2-D convolution: NHWC images of `inputChannels`, an HWIO filter (the window)
/// with `outputChannels`, and NHWC outputs.
struct ConvolutionGeometry: Hashable, Sendable {
    var window: SlidingWindow
    var inputChannels: Int, outputChannels: Int

    var inputShape: Shape { [window.batch, window.inputHeight, window.inputWidth, inputChannels] }
    var filterShape: Shape { [window.windowHeight, window.windowWidth, inputChannels, outputChannels] }
    var outputShape: Shape { [window.batch, window.outputHeight, window.outputWidth, outputChannels] }
}

/// The sizes of one 2-D pooling: NHWC images in and out, channel by channel.
struct PoolingGeometry: Hashable, Sendable {
    var window: SlidingWindow
    var channels: Int

    var inputShape: Shape { [window.batch, window.inputHeight, window.inputWidth, channels] }
    var outputShape: Shape { [window.batch, window.outputHeight, window.outputWidth, channels] }
}

/// What the pooling kernel computes for each window and channel.
enum PoolingKernel {
    /// The mean over the whole window area, padding cells counted as zeros.
    case average
    /// The largest input cell; padding cells never win, and among equal largest cells the first
    /// in row-major window order does. The winner's row-major input offset goes to `routes`
    /// (one per output element).
    case maximum(routes: UnsafeMutablePointer<Int>)
    /// The input cell at each offset of `routes`: max pooling with its winners fixed.
    case gather(routes: UnsafePointer<Int>)
}

/// What the pooling gradient kernel does with each output value (the adjoints of ``PoolingKernel``).
enum PoolingGradientKernel {
    /// Adds value / window area to every input cell of the window (padding cells dropped).
    case average
    /// Adds the value to the input cell at its offset in `routes`.
    case scatter(routes: UnsafePointer<Int>)
}

extension KernelTable where Scalar: VectorKernelScalar {
    /// The kernels tensors use: the fastest measured on this machine kind (Docs/Performance.md).
    static func standard() -> KernelTable {
        KernelTable(
            unary: ElementwiseKernels<Scalar>.unary,
            binary: ElementwiseKernels<Scalar>.binary,
            addBias: BiasKernels<Scalar>.addBias,
            gemm: Gemm<Scalar>.multiply,
            broadcast: BroadcastKernels<Scalar>.broadcast,
            reduceSum: BroadcastKernels<Scalar>.reduceSum,
            transpose: ReferenceKernels<Scalar>.transpose,
            softmax: SoftmaxKernels<Scalar>.softmax,
            crossEntropy: ReferenceKernels<Scalar>.crossEntropy,
            squaredDistance: ReferenceKernels<Scalar>.squaredDistance,
            convolution: ConvolutionKernels<Scalar>.convolution,
            convolutionInputGradient: ConvolutionKernels<Scalar>.inputGradient,
            convolutionFilterGradient: ConvolutionKernels<Scalar>.filterGradient,
            pool: PoolingKernels<Scalar>.pool,
            poolGradient: PoolingKernels<Scalar>.poolGradient)
    }
}
