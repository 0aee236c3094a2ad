import Autograd

/// Learned positional embeddings: a sequence of vectors [B, T, width] plus one learned vector per
/// position, the first T rows of a table [maximumLength, width] (GPT-2's `wpe`, the peers'
/// `pos(arange(T))`). Sequences up to `maximumLength` long are accepted.
public struct PositionalEmbedding<Scalar: TensorScalar>: Module {
    /// One vector per position, as an ``Embedding`` whose ids are the positions 0, 1, ….
    public var positions: Embedding<Scalar>

    /// The longest sequence: the number of rows of the table.
    public var maximumLength: Int { positions.vocabularySize }
    /// The length of each vector.
    public var width: Int { positions.width }

    /// Embeddings for up to `maximumLength` positions of vectors of `width`, drawn from
    /// `initializer` (default: N(0, 1), PyTorch's `nn.Embedding`).
    public init(maximumLength: Int, width: Int, initializer: Initializer = .gaussian(scale: 1),
                using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line) {
        positions = Embedding(vocabularySize: maximumLength, width: width, initializer: initializer, using: &generator,
                              file: file, line: line)
    }

    /// Positional embeddings with the given table [maximumLength, width].
    public init(table: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line) {
        positions = Embedding(table: table, file: file, line: line)
    }

    /// input[b, t] + table[t] for every sequence b and position t.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        let length = checkedOutputShape(forInputShape: input.shape)[1]
        return input + positions(Tensor<Int32>(0..<length))
    }

    /// `table`, whose role is ``ParameterRole/embedding`` (not weight-decayed).
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        positions.visitParameters(visit)
    }

    /// The input's shape, [B, T, width] with T ≤ maximumLength.
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        let expected = "[batch, time ≤ \(maximumLength), \(width)]"
        guard try checkedLastAxis(of: shape, rank: 3, size: width, expected: expected)[1] <= maximumLength else {
            throw InputShapeError(self, expected: expected, actual: shape)
        }
        return shape
    }

    /// "PositionalEmbedding(maximumLength × width)".
    public var layerDescription: String { "PositionalEmbedding(\(maximumLength) × \(width))" }
}
