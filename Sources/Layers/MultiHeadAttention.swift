import Autograd

/// Multi-head scaled dot-product self-attention over sequences [B, T, width], as PyTorch's
/// `nn.MultiheadAttention` with `batch_first=True` (self-attention: queries, keys and values
/// all from the input).
///
/// One fused ``Dense`` `projection` (width → 3·width) gives the queries, keys and values, in that
/// order along its outputs; each is split into `headCount` heads of `width / headCount` by a
/// reshape to [B, T, heads, headWidth] and a transpose to [B, heads, T, headWidth]. Each head
/// computes softmax(Q Kᵀ / √headWidth + M) V, with M the causal mask (−∞ above the diagonal:
/// position t attends to positions up to t; applied inside the softmax, by
/// ``Autograd/Tensor/causalSoftmax(file:line:)``) when `isCausal`, else 0. The heads are joined back
/// to [B, T, width] and pass through the `output` projection (width → width).
public struct MultiHeadAttention<Scalar: TensorScalar>: Module {
    /// The fused query, key and value projection, width → 3·width (rows 0..<width of its
    /// weight make the queries, then the keys, then the values).
    public var projection: Dense<Scalar>
    /// The projection of the joined heads, width → width.
    public var output: Dense<Scalar>
    /// The number of heads, which divides the width.
    public var headCount: Int
    /// Whether each position attends only to itself and earlier positions.
    public var isCausal: Bool

    /// The length of the input and output vectors.
    public var width: Int { output.outputSize }
    /// The length of each head's queries, keys and values.
    public var headWidth: Int { width / headCount }

    /// Attention over vectors of `width` with `headCount` heads (which must divide the width),
    /// its two projections drawn from the initialisers.
    public init(width: Int, headCount: Int, isCausal: Bool = false,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line) {
        guard width > 0, headCount > 0, width % headCount == 0 else {
            fatalError("MultiHeadAttention: width \(width) must be a positive multiple of headCount \(headCount)", file: file, line: line)
        }
        let projection = Dense<Scalar>(inputSize: width, outputSize: 3 * width, weightInitializer: weightInitializer,
                                       biasInitializer: biasInitializer, using: &generator, file: file, line: line)
        let output = Dense<Scalar>(inputSize: width, outputSize: width, weightInitializer: weightInitializer,
                                   biasInitializer: biasInitializer, using: &generator, file: file, line: line)
        self.init(projection: projection, output: output, headCount: headCount, isCausal: isCausal, file: file, line: line)
    }

    /// Attention with the given projections: `projection` width → 3·width, `output` width → width.
    public init(projection: Dense<Scalar>, output: Dense<Scalar>, headCount: Int, isCausal: Bool = false,
                file: StaticString = #fileID, line: UInt = #line) {
        let width = output.outputSize
        guard output.inputSize == width, projection.inputSize == width, projection.outputSize == 3 * width,
              headCount > 0, width % headCount == 0, projection.activation == nil, output.activation == nil else {
            fatalError("MultiHeadAttention(projection:output:): \(projection.layerDescription) and \(output.layerDescription) must map "
                       + "width → 3·width and width → width without activations, for a width that \(headCount) heads divide",
                       file: file, line: line)
        }
        (self.projection, self.output, self.headCount, self.isCausal) = (projection, output, headCount, isCausal)
    }

    /// The attended sequence, [B, T, width].
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        let shape = checkedOutputShape(forInputShape: input.shape)
        let (batch, time) = (shape[0], shape[1])
        let heads = projection(input, context: &context).split(count: 3, alongAxis: -1).map {
            $0.reshaped(to: [batch, time, headCount, headWidth]).transposed(permutation: [0, 2, 1, 3])
        }
        let queries = heads[0] * Scalar(1 / Double(headWidth).squareRoot())
        let scores = matmul(queries, heads[1], transposeB: true)
        let weights = isCausal ? scores.causalSoftmax() : scores.softmax(alongAxis: -1)
        let joined = matmul(weights, heads[2]).transposed(permutation: [0, 2, 1, 3]).reshaped(to: shape)
        return output(joined, context: &context)
    }

    /// `projection.weight`, `projection.bias`, `output.weight`, `output.bias`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        projection.visitParameters(prefixedBy: "projection", visit)
        output.visitParameters(prefixedBy: "output", visit)
    }

    /// The input's shape, [B, T, width].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        try checkedLastAxis(of: shape, rank: 3, size: width, expected: "[batch, time, \(width)]")
    }

    /// "MultiHeadAttention(width, heads heads)", with ", causal" when it is.
    public var layerDescription: String { "MultiHeadAttention(\(width), \(headCount) heads\(isCausal ? ", causal" : ""))" }
}
