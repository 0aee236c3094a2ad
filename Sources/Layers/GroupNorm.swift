import Autograd

/// Group normalisation (Wu and He, 2018) over NHWC images (or any [N, …, C]): the C channels
/// are split into `groupCount` groups of consecutive channels, each example's group is
/// normalised with its own mean and biased variance (over its positions and channels), then
/// y = γ x̂ + β per channel. The same in training and inference (no batch statistics, no state),
/// as PyTorch's `GroupNorm`. γ (role ``ParameterRole/scale``) starts at 1, β
/// (``ParameterRole/shift``) at 0.
public struct GroupNorm<Scalar: TensorScalar>: Module {
    /// γ, one per channel.
    public var scale: Tensor<Scalar>
    /// β, one per channel.
    public var shift: Tensor<Scalar>
    /// The number of groups G (it divides the channel count).
    public let groupCount: Int
    /// ε, added to the variance before the square root.
    public var epsilon: Double

    /// The number of channels C.
    public var channelCount: Int { scale.shape[0] }

    /// A layer normalising `channelCount` channels in `groupCount` groups (which must divide it).
    public init(groupCount: Int, channelCount: Int, epsilon: Double = 1e-5, file: StaticString = #fileID, line: UInt = #line) {
        guard groupCount > 0, channelCount > 0, channelCount % groupCount == 0, epsilon > 0 else {
            fatalError("GroupNorm: \(groupCount) groups must divide \(channelCount) channels (both positive) and epsilon \(epsilon) must be positive",
                       file: file, line: line)
        }
        (scale, shift) = (Tensor.ones([channelCount]), Tensor.zeros([channelCount]))
        (self.groupCount, self.epsilon) = (groupCount, epsilon)
    }

    /// Each example's groups normalised, then scaled and shifted per channel.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        return input.normalized(over: .channelGroups(groupCount), scale: scale, shift: shift, epsilon: epsilon)
    }

    /// `scale`, then `shift`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("scale", .scale, &scale)
        visit("shift", .shift, &shift)
    }

    /// The input's shape, [batch, …, channelCount] (rank 2 or more).
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard shape.rank >= 2, shape.last == channelCount else {
            throw InputShapeError(self, expected: "[batch, …, \(channelCount)]", actual: shape)
        }
        return shape
    }

    /// "GroupNorm(4 groups, 16)".
    public var layerDescription: String { "GroupNorm(\(groupCount) groups, \(channelCount))" }
}
