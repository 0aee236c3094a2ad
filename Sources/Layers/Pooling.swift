import Autograd

/// Max pooling over NHWC images: each output is the largest input of its window, channel by
/// channel (seed 004 §7.1: "replaces each set of four by their maximum"). No parameters.
/// Padding cells never win; on ties the first largest cell in row-major window order wins.
public typealias MaxPool2D<Scalar: TensorScalar> = Pool2D<Scalar, MaximumPooling>

/// Average pooling over NHWC images: each output is the mean of its window, channel by channel.
/// No parameters. The divisor is always the window area, so padding zeros count in the mean.
public typealias AvgPool2D<Scalar: TensorScalar> = Pool2D<Scalar, AveragePooling>

/// A pooling layer over NHWC images, channel by channel: ``MaxPool2D`` or ``AvgPool2D``,
/// depending on `Reduction`.
public struct Pool2D<Scalar: TensorScalar, Reduction: PoolingReduction>: Module {
    let window: SlidingWindow

    /// The window size.
    public var size: (height: Int, width: Int) { window.size }
    /// The step between windows.
    public var strides: (height: Int, width: Int) { window.strides }
    /// The padding of the input.
    public var padding: PaddingMode { window.padding }

    /// Windows of `size` moved by `strides` (by default the window size: no overlap). Explicit
    /// padding must be smaller than the window, so that every window holds an image cell.
    public init(size: (height: Int, width: Int), strides: (height: Int, width: Int)? = nil,
                padding: PaddingMode = .valid, file: StaticString = #fileID, line: UInt = #line) {
        if case .explicit(let p) = padding, max(p.top, p.bottom) >= size.height || max(p.left, p.right) >= size.width {
            fatalError("\(Reduction.layerName): padding \(p) must be smaller than the \(size.height)×\(size.width) window",
                                file: file, line: line)
        }
        window = SlidingWindow(Reduction.layerName, size: size, strides: strides ?? size, padding: padding, file: file, line: line)
    }

    /// The pooled images, [N, Ho, Wo, C] for an input [N, H, W, C].
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return Reduction.pool(input, window: window.size, strides: window.strides,
                              padding: window.resolvedPadding(for: input.shape))
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// [N, Ho, Wo, C] for an input [N, H, W, C].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard let output = window.outputShape(for: shape, channels: shape.last ?? 0) else {
            throw InputShapeError(self, expected: window.expectedInput(channels: "channels"), actual: shape)
        }
        return output
    }

    /// "MaxPool2D(2×2, stride 2)".
    public var layerDescription: String { window.describe(Reduction.layerName) }
}

/// How a ``Pool2D`` layer reduces each window.
public protocol PoolingReduction {
    /// The layer's name in summaries and messages.
    static var layerName: String { get }
    /// The pooling primitive.
    static func pool<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int), padding: Padding
    ) -> Tensor<Scalar>
}

/// The largest value of each window (`maxPool2d`).
public enum MaximumPooling: PoolingReduction {
    /// "MaxPool2D".
    public static var layerName: String { "MaxPool2D" }

    /// `maxPool2d` of the input.
    public static func pool<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int), padding: Padding
    ) -> Tensor<Scalar> {
        maxPool2d(input, window: window, strides: strides, padding: padding)
    }
}

/// The mean of each window (`avgPool2d`).
public enum AveragePooling: PoolingReduction {
    /// "AvgPool2D".
    public static var layerName: String { "AvgPool2D" }

    /// `avgPool2d` of the input.
    public static func pool<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int), padding: Padding
    ) -> Tensor<Scalar> {
        avgPool2d(input, window: window, strides: strides, padding: padding)
    }
}
