/// Every differentiable primitive operation the tape knows. Each has a forward rule, a
/// pushforward (JVP) and a pullback (VJP), side by side in one file of `Primitives/`, and a row
/// in the gradient-check table of the tests (a test fails when a case has no row).
public enum Primitive: String, CaseIterable, Sendable {
    /// A watched input: the start of differentiation (no rule of its own).
    case variable
    case add, subtract, negate, scale, multiply, divide
    /// y = max(0, a + b): a sum and the ReLU after it in one pass (a residual block's output).
    case addRelu
    /// y = a + c · b for a constant c in one pass (a gradient-descent update, for one).
    case addScaled
    case matmul
    case broadcast, sum
    /// A bias along the last axis, y = x + b, and with the ReLU after it, y = relu(x + b).
    case addBias, addBiasRelu
    case reshape, transpose
    case exp, log
    case sigmoid, tanh, relu, leakyRelu, leakyReluDerivative
    /// ReLU's pullback ḡ ∘ 1[x > 0] as a primitive of (ḡ, x), so that it can be differentiated again.
    case reluBackward
    /// The sigmoid's and tanh's pullbacks ḡ ∘ σ(1 − σ) and ḡ ∘ (1 − t²) from their outputs, as
    /// primitives of (ḡ, output): one pass instead of three and two.
    case sigmoidBackward, tanhBackward
    case softmax, logSoftmax
    /// Softmax along the last axis of [..., T, T] scores under the causal mask, without the mask.
    case causalSoftmax
    case softmaxCrossEntropy, quadraticCost
    case maskMultiply
    /// y = conv(x, w) and its two adjoints x̄ = convT(ȳ, w), w̄ = convF(x, ȳ).
    case conv2d, conv2dInputGradient, conv2dFilterGradient
    /// y = conv(x, w) + b and y = relu(conv(x, w) + b), the bias (and ReLU) applied as the
    /// convolution stores its output.
    case conv2dBias, conv2dBiasRelu
    /// Max pooling (also recorded for a gather along fixed routes) and its adjoint, a scatter along them.
    case maxPool2d, maxPool2dBackward
    /// Average pooling and its adjoint.
    case avgPool2d, avgPool2dBackward
    /// √x, 1/√x, x², |x| and its derivative sign(x), sin x, cos x.
    case squareRoot, reciprocalSquareRoot, square, absolute, sign, sine, cosine
    /// x^p for a constant p, and aᵇ for a tensor exponent.
    case power, powerTensor
    /// min(max(x, lower), upper) and its derivative, 1 where lower ≤ x ≤ upper.
    case clamp, clampDerivative
    /// ln(1 + eˣ); x σ(x) and its derivative; GELU (tanh and erf forms) and their derivatives.
    case softplus, silu, siluDerivative, geluTanh, geluTanhDerivative, geluErf, geluErfDerivative
    /// The element-wise minimum and maximum of two tensors.
    case minimum, maximum
    /// 1 where a comparison holds, 0 elsewhere (a mask; zero derivative).
    case comparison
    /// a where a mask is not zero, b elsewhere.
    case select
    /// The largest or smallest element along axes (one winner per output: the first on ties).
    case reduceMax, reduceMin
    /// Blocks of elements at fixed positions (the winners of a reduction, an index tensor's
    /// entries) and its adjoint, which adds each block back at its position.
    case gather, scatterAdd
    /// A strided window of a tensor, and its adjoint: a tensor written into a window of one
    /// filled with a constant (padding).
    case slice, pad
    /// Tensors side by side along an axis.
    case concatenate
    /// y = γ (x − μ) / √(σ² + ε) + β over groups of elements (layer, batch and group
    /// normalisation), from (x, γ, β) in one primitive, and with the ReLU after it, max(0, y).
    case normalize, normalizeRelu
    /// A primitive defined outside the library, with its own rules
    /// (``Tensor/primitive(_:inputs:file:line:forward:pullback:pushforward:)``).
    case custom
}

extension Primitive {
    /// Whether each output element depends only on the same element of the inputs (which have
    /// the output's shape: binary operations broadcast first), so that the output may overwrite
    /// an input whose value is not read afterwards.
    var isElementwise: Bool {
        switch self {
        case .add, .subtract, .negate, .scale, .multiply, .divide, .addScaled: true
        default: false
        }
    }
}
