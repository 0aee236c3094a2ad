import Autograd

/// Layer normalisation along the last axis, as PyTorch's `nn.LayerNorm(width)`: each vector x of
/// `width` elements becomes (x − μ) / √(σ² + ε) ∘ scale + shift, with μ and σ² its mean and its
/// biased variance. The scale starts at ones and the shift at zeros; their roles are
/// ``ParameterRole/scale`` and ``ParameterRole/shift`` (not weight-decayed).
public struct LayerNorm<Scalar: TensorScalar>: Module {
    /// The scale, of shape [width].
    public var scale: Tensor<Scalar>
    /// The shift, of shape [width].
    public var shift: Tensor<Scalar>
    /// ε, added to the variance.
    public var epsilon: Double

    /// The length of the normalised axis.
    public var width: Int { scale.shape[0] }

    /// A normalisation of vectors of `width` (positive) with scale 1 and shift 0.
    public init(width: Int, epsilon: Double = 1e-5, file: StaticString = #fileID, line: UInt = #line) {
        guard width > 0 else { fatalError("LayerNorm: width \(width) must be positive", file: file, line: line) }
        self.init(scale: .ones([width]), shift: .zeros([width]), epsilon: epsilon, file: file, line: line)
    }

    /// A normalisation with the given scale and shift, both of shape [width].
    public init(scale: Tensor<Scalar>, shift: Tensor<Scalar>, epsilon: Double = 1e-5,
                file: StaticString = #fileID, line: UInt = #line) {
        guard scale.rank == 1, shift.shape == scale.shape, epsilon > 0 else {
            fatalError("LayerNorm(scale:shift:): scale \(scale.shape) and shift \(shift.shape) must be vectors of one length and epsilon \(epsilon) positive",
                       file: file, line: line)
        }
        (self.scale, self.shift, self.epsilon) = (scale, shift, epsilon)
    }

    /// Each vector along the last axis normalised, then scaled and shifted.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return input.normalized(over: .lastAxis, scale: scale, shift: shift, epsilon: epsilon)
    }

    /// `scale`, then `shift`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("scale", .scale, &scale)
        visit("shift", .shift, &shift)
    }

    /// The input's shape, [B, …, width].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        try checkedLastAxis(of: shape, size: width, expected: "[batch, …, \(width)]")
    }

    /// "LayerNorm(width)".
    public var layerDescription: String { "LayerNorm(\(width))" }
}
