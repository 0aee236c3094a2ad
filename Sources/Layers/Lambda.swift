import Autograd

/// A layer made from a closure, for operations without a layer type of their own.
///
/// ```swift
/// let square = Lambda<Float>("Square") { $0 * $0 }
/// let rowSums = Lambda<Float>("RowSums", outputShape: { $0.rank == 2 ? [$0[0], 1] : nil }) {
///     $0.sum(alongAxes: [1], keepingDimensions: true)
/// }
/// ```
/// The closure must be differentiable (built from tensor operations) for gradients to flow.
public struct Lambda<Scalar: TensorScalar>: Module {
    private let body: (Tensor<Scalar>) -> Tensor<Scalar>
    private let shapeRule: (Shape) -> Shape?

    /// The name shown in summaries and error messages.
    public let layerDescription: String

    /// A layer applying `body`. `outputShape` maps an input shape to the output shape, or to
    /// nil when `body` cannot take it; the default keeps the shape (element-wise closures).
    public init(
        _ description: String = "Lambda", outputShape: @escaping (Shape) -> Shape? = { $0 },
        _ body: @escaping (Tensor<Scalar>) -> Tensor<Scalar>
    ) {
        (layerDescription, shapeRule, self.body) = (description, outputShape, body)
    }

    /// `body(input)`.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return body(input)
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// What the `outputShape` rule says; an error when it returns nil.
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard let output = shapeRule(shape) else {
            throw InputShapeError(self, expected: "a shape \(layerDescription) accepts", actual: shape)
        }
        return output
    }
}
