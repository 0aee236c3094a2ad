import Autograd

/// A pre-LayerNorm Transformer block (GPT-2's) on sequences [B, T, width]:
///
///     h = x + dropout(attention(norm1(x)))
///     y = h + dropout(fc2(activation(fc1(norm2(h)))))
///
/// with ``MultiHeadAttention``, two ``LayerNorm``s and a two-layer perceptron width → hiddenWidth
/// → width whose activation is GELU (PyTorch's default, the erf form) unless another is given.
/// Dropout (rate 0: none) applies to both residual branches while training.
public struct TransformerBlock<Scalar: TensorScalar>: Module {
    /// The normalisation before the attention.
    public var norm1: LayerNorm<Scalar>
    /// The self-attention.
    public var attention: MultiHeadAttention<Scalar>
    /// The normalisation before the perceptron.
    public var norm2: LayerNorm<Scalar>
    /// The perceptron's first layer, width → hiddenWidth, with its activation.
    public var fc1: Dense<Scalar>
    /// The perceptron's second layer, hiddenWidth → width.
    public var fc2: Dense<Scalar>
    /// The dropout of both residual branches.
    public var dropout: Dropout<Scalar>

    /// The length of the input and output vectors.
    public var width: Int { attention.width }

    /// A block on vectors of `width` with `headCount` heads (dividing the width), a perceptron
    /// of `hiddenWidth` (default: 4 · width) and the given activation, causal attention when
    /// `isCausal`, and dropout of `dropoutRate` on both branches.
    public init(width: Int, headCount: Int, hiddenWidth: Int? = nil, activation: Activation<Scalar>.Function = .gelu,
                isCausal: Bool = false, dropoutRate: Double = 0,
                using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line) {
        norm1 = LayerNorm(width: width, file: file, line: line)
        attention = MultiHeadAttention(width: width, headCount: headCount, isCausal: isCausal, using: &generator, file: file, line: line)
        norm2 = LayerNorm(width: width, file: file, line: line)
        let hidden = hiddenWidth ?? 4 * width
        fc1 = Dense(inputSize: width, outputSize: hidden, activation: activation, using: &generator, file: file, line: line)
        fc2 = Dense(inputSize: hidden, outputSize: width, using: &generator, file: file, line: line)
        dropout = Dropout(rate: dropoutRate, file: file, line: line)
    }

    /// The block applied to `input` [B, T, width].
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let attended = input + dropout(attention(norm1(input, context: &context), context: &context), context: &context)
        let hidden = fc1(norm2(attended, context: &context), context: &context)
        return attended + dropout(fc2(hidden, context: &context), context: &context)
    }

    /// `norm1.*`, `attention.*`, `norm2.*`, `fc1.*`, `fc2.*`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        norm1.visitParameters(prefixedBy: "norm1", visit)
        attention.visitParameters(prefixedBy: "attention", visit)
        norm2.visitParameters(prefixedBy: "norm2", visit)
        fc1.visitParameters(prefixedBy: "fc1", visit)
        fc2.visitParameters(prefixedBy: "fc2", visit)
    }

    /// The input's shape, [B, T, width].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        try checkedLastAxis(of: shape, rank: 3, size: width, expected: "[batch, time, \(width)]")
    }

    /// "TransformerBlock(width, heads heads, hiddenWidth hidden, GELU)", with ", causal" when it is.
    public var layerDescription: String {
        "TransformerBlock(\(width), \(attention.headCount) heads, \(fc1.outputSize) hidden, \(fc1.activation?.name ?? "linear")"
            + "\(attention.isCausal ? ", causal" : ""))"
    }
}
