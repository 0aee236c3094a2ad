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
/// Parameters and state are named `body.<layer>.<name>` and `shortcut.<name>`. An activation
/// after the sum (ResNet's final ReLU) follows the block in the enclosing ``Sequential``.
public struct Residual<Scalar: TensorScalar>: Module {
    /// The layers whose output is added to the shortcut's.
    public var body: Sequential<Scalar>
    /// The projection applied to the input before the sum; nil for the identity.
    public var shortcut: (any Module<Scalar>)?

    /// A block of the layers `body` lists, with `shortcut` (nil: the identity) on the input.
    public init(shortcut: (any Module<Scalar>)? = nil, file: StaticString = #fileID, line: UInt = #line,
                @ModuleBuilder<Scalar> _ body: () -> [Sequential<Scalar>.Entry]) {
        self.body = Sequential(body(), file: file, line: line)
        self.shortcut = shortcut
    }

    /// body(x) + shortcut(x); the shapes are checked first.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let main = body(input, context: &context)
        return main + (shortcut.map { $0(input, context: &context) } ?? input)
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

    /// "Residual" or "Residual(projection)".
    public var layerDescription: String { shortcut == nil ? "Residual" : "Residual(projection)" }
}
