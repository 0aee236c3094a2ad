import Autograd

/// Reshapes [B, d₁, d₂, …] to [B, d₁·d₂·…]: what connects convolutional blocks to a dense layer.
public struct Flatten<Scalar: TensorScalar>: Module {
    /// A flattening layer.
    public init() {}

    /// The input with every axis after the first merged into one.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        input.reshaped(to: checkedOutputShape(forInputShape: input.shape))
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// [B, product of the other axes].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard let batch = shape.first else {
            throw InputShapeError(self, expected: "[batch, …] (at least one axis)", actual: shape)
        }
        return [batch, shape.dropFirst().reduce(1, *)]
    }

    /// "Flatten".
    public var layerDescription: String { "Flatten" }
}
