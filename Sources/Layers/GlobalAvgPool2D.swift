import Autograd

/// Global average pooling over NHWC images: each channel's mean over all positions,
/// [N, H, W, C] → [N, C] (Keras's `GlobalAveragePooling2D`, PyTorch's `AdaptiveAvgPool2d(1)`
/// then `Flatten`). No parameters.
public struct GlobalAvgPool2D<Scalar: TensorScalar>: Module {
    /// The layer.
    public init() {}

    /// The mean over the height and width axes.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return input.mean(alongAxes: [1, 2])
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// [N, C] for an input [N, H, W, C] with at least one position.
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard shape.rank == 4, shape[1] > 0, shape[2] > 0 else {
            throw InputShapeError(self, expected: "[batch, height ≥ 1, width ≥ 1, channels]", actual: shape)
        }
        return [shape[0], shape[3]]
    }

    /// "GlobalAvgPool2D".
    public var layerDescription: String { "GlobalAvgPool2D" }
}
