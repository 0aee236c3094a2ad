import Autograd

/// A residual block: output = body(x) + shortcut(x), where the body is a chain of layers
/// written like a ``Sequential`` and the shortcut is the identity or, where the body changes the
/// shape, a projection (typically a strided 1×1 ``Conv2D``, possibly followed by ``BatchNorm``).
///
/// ```swift
/// let block = Residual<Float>(shortcut: Conv2D(inputChannels: 16, filters: 32, kernelSize: (1, 1),
///                                              strides: (2, 2), using: &generator)) {
///     Conv2D(inputChannels: 16, filters: 32, kernelSize: (3, 3), strides: (2, 2), padding: .same, using: &generator)
///     Activation(.relu)
///     Conv2D(inputChannels: 32, filters: 32, kernelSize: (3, 3), padding: .same, using: &generator)
/// }
/// ```
/// Parameters and state are named `body.<layer>.<name>` and `shortcut.<name>`. An optional
/// `activation` follows the sum (ResNet's final ReLU); `.relu` is applied as the sum is written
/// (one pass, `adding(_:rectified:)`), with the values of a separate `Activation(.relu)` layer.
public struct Residual<Scalar: TensorScalar>: Module {
    /// The layers whose output is added to the shortcut's.
    public var body: Sequential<Scalar>
    /// The projection applied to the input before the sum; nil for the identity.
    public var shortcut: (any Module<Scalar>)?
    /// The function applied after the sum, if any.
    public var activation: Activation<Scalar>.Function?

    /// A block of the layers `body` lists, with `shortcut` (nil: the identity) on the input and
    /// `activation` (none by default) after the sum.
    public init(shortcut: (any Module<Scalar>)? = nil, activation: Activation<Scalar>.Function? = nil,
                file: StaticString = #fileID, line: UInt = #line, @ModuleBuilder<Scalar> _ body: () -> [Sequential<Scalar>.Entry]) {
        self.body = Sequential(body(), file: file, line: line)
        (self.shortcut, self.activation) = (shortcut, activation)
    }

    /// body(x) + shortcut(x), then the activation; the shapes are checked first.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let main = body(input, context: &context)
        let side = shortcut.map { $0(input, context: &context) } ?? input
        return activated(activation) { main.adding(side, rectified: $0) }
    }

    /// The body's parameters under `body.`, then the shortcut's under `shortcut.`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        body.visitParameters(prefixedBy: "body", visit)
        shortcut?.visitParameters(prefixedBy: "shortcut", visit)
    }

    /// The body's state under `body.`, then the shortcut's under `shortcut.`.
    public mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {
        body.visitState(prefixedBy: "body", visit)
        shortcut?.visitState(prefixedBy: "shortcut", visit)
    }

    /// The body's output shape, which must equal the shortcut's (the input's for the identity).
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        let main = try located("body") { () throws(InputShapeError) in try body.outputShape(forInputShape: shape) }
        let side = try shortcut.map { shortcut throws(InputShapeError) in
            try located("shortcut") { () throws(InputShapeError) in try shortcut.outputShape(forInputShape: shape) }
        } ?? shape
        guard main == side else {
            throw InputShapeError(self, expected: "one that the body (→ \(main)) and the shortcut (→ \(side)) map to the same shape",
                                 actual: shape)
        }
        return main
    }

    /// "Residual" or "Residual(projection)", with the activation's name: "Residual(ReLU)",
    /// "Residual(projection, ReLU)".
    public var layerDescription: String {
        let details = [shortcut == nil ? nil : "projection", activation?.name].compactMap { $0 }
        return details.isEmpty ? "Residual" : "Residual(\(details.joined(separator: ", ")))"
    }
}
