import Autograd

/// An element-wise activation function as a layer (softmax: along the last axis). It has no
/// parameters and keeps the shape of its input.
public struct Activation<Scalar: TensorScalar>: Module {
    /// The functions available.
    public enum Function: Sendable, Hashable {
        /// σ(x) = 1 / (1 + e^−x).
        case sigmoid
        /// max(0, x), with derivative 0 at 0.
        case relu
        /// x for x > 0, `slope` · x otherwise (the seeds use 0.01).
        case leakyRelu(slope: Scalar)
        /// The hyperbolic tangent.
        case tanh
        /// e^x / Σ e^x along the last axis.
        case softmax
        /// x Φ(x) = ½x(1 + erf(x/√2)), the exact GELU (PyTorch's default `nn.GELU()`).
        case gelu
        /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's GELU (`nn.GELU(approximate='tanh')`).
        case geluTanh
    }

    /// The function this layer applies.
    public var function: Function

    /// A layer applying `function`.
    public init(_ function: Function) { self.function = function }

    /// The function applied to `input`.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return function(input)
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// The input's shape (softmax needs at least one axis).
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        if function == .softmax && shape.rank == 0 {
            throw InputShapeError(self, expected: "at least one axis", actual: shape)
        }
        return shape
    }

    /// "Sigmoid", "ReLU", "LeakyReLU(slope)", "Tanh", "Softmax", "GELU" or "GELU(tanh)".
    public var layerDescription: String { function.name }
}

extension Activation.Function {
    /// The function applied to `input`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        switch self {
        case .sigmoid: input.sigmoid()
        case .relu: input.relu()
        case .leakyRelu(let slope): input.leakyRelu(slope: slope)
        case .tanh: input.tanh()
        case .softmax: input.softmax(alongAxis: -1)
        case .gelu: input.gelu()
        case .geluTanh: input.gelu(approximation: .tanh)
        }
    }

    /// "Sigmoid", "ReLU", "LeakyReLU(slope)", "Tanh", "Softmax", "GELU" or "GELU(tanh)".
    public var name: String {
        switch self {
        case .sigmoid: "Sigmoid"
        case .relu: "ReLU"
        case .leakyRelu(let slope): "LeakyReLU(\(slope))"
        case .tanh: "Tanh"
        case .softmax: "Softmax"
        case .gelu: "GELU"
        case .geluTanh: "GELU(tanh)"
        }
    }
}

/// `activation` after a layer's biased output, `biased(rectified)`: a ReLU is fused into the
/// primitive that adds the bias (`biased(true)`), any other activation is applied to `biased(false)`.
/// The one place Dense and Conv2D decide what fuses.
func activated<Scalar: TensorScalar>(_ activation: Activation<Scalar>.Function?, _ biased: (_ rectified: Bool) -> Tensor<Scalar>) -> Tensor<Scalar> {
    if activation == .relu { return biased(true) }
    let z = biased(false)
    return activation?(z) ?? z
}
