import Autograd

/// A fully connected layer z = W a + b with W of shape fan_out × fan_in, the convention of all
/// four seeds (seed 004 (5.2); its CIFAR network's last layer is "10 × 64").
///
/// A batch is a matrix [B, fan_in], one point per row, and the layer computes
/// `matmul(x, W, transposeB: true) + b`, which is (W xᵢ + b)ᵀ row by row. A single point is a
/// batch of one. An input of higher rank [B, …, fan_in] (a sequence of vectors [B, T, fan_in])
/// is mapped along its last axis, as PyTorch's `Linear`. An optional `activation` follows the
/// bias (a ReLU fused with it: one pass).
public struct Dense<Scalar: TensorScalar>: Module {
    /// W, of shape [outputSize, inputSize].
    public var weight: Tensor<Scalar>
    /// b, of shape [outputSize].
    public var bias: Tensor<Scalar>
    /// The function applied after the bias, if any.
    public var activation: Activation<Scalar>.Function?

    /// The number of inputs (fan_in).
    public var inputSize: Int { weight.shape[1] }
    /// The number of outputs (fan_out).
    public var outputSize: Int { weight.shape[0] }

    /// A layer from `inputSize` to `outputSize` units (both positive) with parameters drawn
    /// from `generator`.
    public init(
        inputSize: Int, outputSize: Int,
        weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        activation: Activation<Scalar>.Function? = nil, using generator: inout some RandomNumberGenerator,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        guard inputSize > 0, outputSize > 0 else {
            fatalError("Dense: inputSize \(inputSize) and outputSize \(outputSize) must be positive", file: file, line: line)
        }
        self.activation = activation
        weight = weightInitializer.makeTensor([outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, using: &generator,
                                              file: file, line: line)
        bias = biasInitializer.makeTensor([outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator, file: file, line: line)
    }

    /// A layer with the given W (fan_out × fan_in) and b (fan_out).
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation<Scalar>.Function? = nil,
                file: StaticString = #fileID, line: UInt = #line) {
        guard weight.rank == 2, bias.shape == [weight.shape[0]] else {
            fatalError("Dense(weight:bias:): weight \(weight.shape) must be fan_out × fan_in and bias \(bias.shape) must be [fan_out]",
                                file: file, line: line)
        }
        (self.weight, self.bias, self.activation) = (weight, bias, activation)
    }

    /// x Wᵀ + b (then the activation) for a batch x of shape [B, inputSize], or of shape
    /// [B, …, inputSize] seen as a matrix of rows of `inputSize`.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        let output = checkedOutputShape(forInputShape: input.shape)
        let rows = input.rank == 2 ? input : input.reshaped(to: [input.elementCount / inputSize, inputSize])
        let product = matmul(rows, weight, transposeB: true)
        let result = activated(activation) { product.addingBias(bias, rectified: $0) }
        return input.rank == 2 ? result : result.reshaped(to: output)
    }

    /// `weight`, then `bias`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("weight", .weight, &weight)
        visit("bias", .bias, &bias)
    }

    /// [B, outputSize] for an input [B, inputSize]; [B, …, outputSize] for [B, …, inputSize].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        let expected = shape.rank > 2 ? "[batch, …, \(inputSize)]" : "[batch, \(inputSize)]"
        let input = try checkedLastAxis(of: shape, size: inputSize, expected: expected)
        return Shape(Array(input.dimensions.dropLast()) + [outputSize])
    }

    /// "Dense(inputSize → outputSize)", with ", ReLU" (say) for an activation.
    public var layerDescription: String { "Dense(\(inputSize) → \(outputSize)\(activation.map { ", \($0.name)" } ?? ""))" }
}
