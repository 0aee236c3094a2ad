import Autograd

/// A 2-D convolution layer over NHWC images: `filters` filters of `kernelSize` × input channels,
/// each adding its bias, y = conv2d(x, W) + b (or y = conv2d(x, W) without a bias, as before a
/// ``BatchNorm``), then an optional `activation`. The bias, and a
/// ReLU, are applied by the convolution itself as it stores its output (no pass of their own);
/// other activations follow as their own primitive. `conv2d` is the cross-correlation of
/// deep-learning frameworks (no filter flip; see MATH.md §0).
///
/// The weight is the filter bank [kh, kw, cin, cout] (HWIO), as seed 004 writes "5 × 5 × 3 × 32".
public struct Conv2D<Scalar: TensorScalar>: Module {
    /// The filters, [kh, kw, cin, cout].
    public var weight: Tensor<Scalar>
    /// One bias per filter, [cout]; nil for a layer without bias.
    public var bias: Tensor<Scalar>?
    /// The function applied after the bias, if any.
    public var activation: Activation<Scalar>.Function?
    let window: SlidingWindow

    /// The filter size (kh, kw).
    public var kernelSize: (height: Int, width: Int) { window.size }
    /// The step between windows.
    public var strides: (height: Int, width: Int) { window.strides }
    /// The padding of the input.
    public var padding: PaddingMode { window.padding }
    /// The number of input channels (cin).
    public var inputChannels: Int { weight.shape[2] }
    /// The number of filters (cout).
    public var filters: Int { weight.shape[3] }

    /// A layer of `filters` filters of `kernelSize` over `inputChannels` channels (all sizes
    /// positive), drawn from `generator` (fan_in = kh·kw·cin, fan_out = kh·kw·cout); without a
    /// bias when `usesBias` is false.
    public init(
        inputChannels: Int, filters: Int, kernelSize: (height: Int, width: Int),
        strides: (height: Int, width: Int) = (1, 1), padding: PaddingMode = .valid,
        weightInitializer: Initializer = .heNormal, biasInitializer: Initializer = .zeros, usesBias: Bool = true,
        activation: Activation<Scalar>.Function? = nil, using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line
    ) {
        guard min(inputChannels, filters, kernelSize.height, kernelSize.width) > 0 else {
            fatalError("Conv2D: inputChannels \(inputChannels), filters \(filters) and kernel \(kernelSize.height)×\(kernelSize.width) must be positive",
                       file: file, line: line)
        }
        let shape: Shape = [kernelSize.height, kernelSize.width, inputChannels, filters]
        let area = kernelSize.height * kernelSize.width
        let weight: Tensor<Scalar> = weightInitializer.makeTensor(shape, fanIn: area * inputChannels, fanOut: area * filters,
                                                                  using: &generator, file: file, line: line)
        let bias: Tensor<Scalar>? = usesBias
            ? biasInitializer.makeTensor([filters], fanIn: area * inputChannels, fanOut: area * filters, using: &generator,
                                         file: file, line: line)
            : nil
        self.init(weight: weight, bias: bias, strides: strides, padding: padding, activation: activation, file: file, line: line)
    }

    /// A layer with the given filters [kh, kw, cin, cout] and biases [cout] (nil: no bias).
    public init(
        weight: Tensor<Scalar>, bias: Tensor<Scalar>?, strides: (height: Int, width: Int) = (1, 1),
        padding: PaddingMode = .valid, activation: Activation<Scalar>.Function? = nil,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        guard weight.rank == 4, bias.map({ $0.shape == [weight.shape[3]] }) ?? true else {
            fatalError("Conv2D(weight:bias:): weight \(weight.shape) must be [kh, kw, cin, cout] and bias \(bias?.shape ?? []) must be [cout]",
                                file: file, line: line)
        }
        (self.weight, self.bias, self.activation) = (weight, bias, activation)
        window = SlidingWindow("Conv2D", size: (weight.shape[0], weight.shape[1]), strides: strides, padding: padding,
                               file: file, line: line)
    }

    /// conv2d(x, W) + b (then the activation) for images x of shape [N, H, W, cin].
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let padding = window.resolvedPadding(for: input.shape)
        return activated(activation) { rectified in
            guard let bias else {
                let z = conv2d(input, filter: weight, strides: strides, padding: padding)
                return rectified ? z.relu() : z
            }
            return conv2d(input, filter: weight, bias: bias, strides: strides, padding: padding, rectified: rectified)
        }
    }

    /// `weight`, then `bias` if the layer has one.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("weight", .weight, &weight)
        if bias != nil { visit("bias", .bias, &bias!) }
    }

    /// [N, Ho, Wo, cout] for an input [N, H, W, cin].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard shape.rank == 4, shape[3] == inputChannels, let output = window.outputShape(for: shape, channels: filters) else {
            throw InputShapeError(self, expected: window.expectedInput(channels: String(inputChannels)), actual: shape)
        }
        return output
    }

    /// "Conv2D(5×5, 3 → 32, pad 2)", with ", ReLU" (say) for an activation and "no bias" after
    /// the channels for a layer without bias.
    public var layerDescription: String {
        let description = window.describe("Conv2D", detail: "\(inputChannels) → \(filters)" + (bias == nil ? ", no bias" : ""))
        return activation.map { description.dropLast() + ", \($0.name))" } ?? description
    }
}
