import Autograd

/// A table of learned vectors, one row per token id, as PyTorch's `nn.Embedding`: ids of any
/// shape [B, …] give their rows, of shape [B, …, width]. The gradient of the table adds up the
/// cotangents of every position holding the same id.
///
/// Called with a `Tensor<Int32>` of ids it is the typed lookup. As a ``Module`` (so that it can
/// open a ``Sequential`` and train through any code that takes a module) it reads its input as
/// ids written as whole numbers of `Scalar`, as Keras's `Embedding` does; every id up to 2²⁴ is
/// exact in `Float`. An id outside `0..<vocabularySize` stops with the id and its position.
public struct Embedding<Scalar: TensorScalar>: Module {
    /// The vectors, of shape [vocabularySize, width]: row i belongs to id i.
    public var table: Tensor<Scalar>

    /// The number of ids: valid ids are `0..<vocabularySize`.
    public var vocabularySize: Int { table.shape[0] }
    /// The length of each vector.
    public var width: Int { table.shape[1] }

    /// A table for `vocabularySize` ids of vectors of `width` (both positive), drawn from
    /// `initializer` (default: N(0, 1), PyTorch's).
    public init(vocabularySize: Int, width: Int, initializer: Initializer = .gaussian(scale: 1),
                using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line) {
        guard vocabularySize > 0, width > 0 else {
            fatalError("Embedding: vocabularySize \(vocabularySize) and width \(width) must be positive", file: file, line: line)
        }
        self.init(table: initializer.makeTensor([vocabularySize, width], fanIn: 1, fanOut: width, using: &generator,
                                                file: file, line: line), file: file, line: line)
    }

    /// An embedding with the given table [vocabularySize, width].
    public init(table: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line) {
        guard table.rank == 2, table.shape[0] <= 1 << (Scalar.significandBitCount + 1) else {
            fatalError("Embedding(table:): table \(table.shape) must be a matrix [vocabularySize, width] with every id exact in \(Scalar.self)",
                       file: file, line: line)
        }
        self.table = table
    }

    /// The rows of the table at `ids`: shape `ids.shape + [width]`.
    public func callAsFunction(_ ids: Tensor<Int32>, file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
        embedding(ids, table: table, file: file, line: line)
    }

    /// The rows of the table at the ids that `input` holds as whole numbers.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        let scalars = input.scalars
        if let position = scalars.firstIndex(where: { $0.rounded(.towardZero) != $0 }) {
            fatalError("\(layerDescription): id \(scalars[position]) at element \(position) of input \(input.shape) is not a whole number")
        }
        return self(Tensor<Int32>(truncating: input))
    }

    /// `table`, whose role is ``ParameterRole/embedding`` (not weight-decayed).
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("table", .embedding, &table)
    }

    /// [B, …, width] for ids of shape [B, …].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        Shape(shape.dimensions + [width])
    }

    /// "Embedding(vocabularySize × width)".
    public var layerDescription: String { "Embedding(\(vocabularySize) × \(width))" }
}
