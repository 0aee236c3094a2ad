import Autograd

/// Batch normalisation over the last axis (the channels of NHWC images [N, H, W, C], the
/// features of [N, F]): y = γ (x − μ) / √(σ² + ε) + β per channel, with PyTorch's conventions.
///
/// - Training (`context.isTraining`): μ and σ² are the batch's mean and biased variance over
///   every axis but the last, and the gradient goes through them. The running statistics move
///   towards the batch's: r ← (1 − momentum) r + momentum · b, with the *unbiased* variance
///   (σ² · m/(m − 1) for m values per channel); a batch of fewer than two values per channel
///   leaves them as they are.
/// - Inference: μ and σ² are the running mean and variance (initially 0 and 1).
///
/// The scale γ (role ``ParameterRole/scale``, initially 1) and shift β (``ParameterRole/shift``,
/// initially 0) are parameters, not weight-decayed. The running statistics are *state*
/// (``Parameterized/visitState(_:)``, names `runningMean` and `runningVariance`): checkpoints keep
/// them, optimisers never see them.
///
/// Copies and state: a call cannot mutate the layer, so the running statistics live in a box
/// that copies of the layer share (as in Swift for TensorFlow). This is what lets a
/// training-mode call on the copy that ``Module/valueWithGradient(file:line:_:)`` or a trainer
/// runs update the model's statistics. The box is copied on write through `visitState`
/// (``Module/replaceState(with:file:line:)``, restoring a checkpoint): such a write never
/// reaches other copies. But a training-mode call on one copy updates every copy that still
/// shares the box; ``Module/isolateState()`` gives a copy its own (the ``Trainer`` does so for
/// its model before each step, so a copy of `trainer.model` taken earlier keeps its statistics).
///
/// An optional `activation` follows the normalisation; `.relu` (a ResNet's conv → BN → ReLU) is
/// applied by the normalisation's own kernels as they write the output, and read back by its
/// pullback: the values of a separate `Activation(.relu)` layer, bit for bit, without its passes.
public struct BatchNorm<Scalar: TensorScalar>: Module {
    /// γ, one per channel.
    public var scale: Tensor<Scalar>
    /// β, one per channel.
    public var shift: Tensor<Scalar>
    /// The weight of each batch's statistics in the running ones (PyTorch's 0.1; Keras's
    /// `momentum` 0.9 is this 0.1).
    public var momentum: Double
    /// ε, added to the variance before the square root.
    public var epsilon: Double
    /// The function applied after the normalisation, if any.
    public var activation: Activation<Scalar>.Function?
    private var statistics: RunningStatistics<Scalar>

    /// The number of channels (features).
    public var featureCount: Int { scale.shape[0] }
    /// The running mean, one per channel.
    public var runningMean: Tensor<Scalar> { statistics.current.mean }
    /// The running (unbiased) variance, one per channel.
    public var runningVariance: Tensor<Scalar> { statistics.current.variance }

    /// A layer over `featureCount` channels with γ = 1, β = 0, running mean 0 and variance 1,
    /// then `activation` (none by default).
    public init(featureCount: Int, momentum: Double = 0.1, epsilon: Double = 1e-5,
                activation: Activation<Scalar>.Function? = nil, file: StaticString = #fileID, line: UInt = #line) {
        guard featureCount > 0, (0...1).contains(momentum), epsilon > 0 else {
            fatalError("BatchNorm: featureCount \(featureCount) must be positive, momentum \(momentum) in [0, 1] and epsilon \(epsilon) positive",
                       file: file, line: line)
        }
        (scale, shift) = (Tensor.ones([featureCount]), Tensor.zeros([featureCount]))
        (self.momentum, self.epsilon, self.activation) = (momentum, epsilon, activation)
        statistics = RunningStatistics(mean: Tensor.zeros([featureCount]), variance: Tensor.ones([featureCount]))
    }

    /// The normalised input, scaled and shifted; batch statistics (and an update of the running
    /// ones) while training, the running statistics otherwise; then the activation.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let isTraining = context.isTraining
        return activated(activation) { normalized(input, isTraining: isTraining, rectified: $0) }
    }

    /// The normalised input, scaled, shifted and rectified when `rectified`.
    private func normalized(_ input: Tensor<Scalar>, isTraining: Bool, rectified: Bool) -> Tensor<Scalar> {
        guard isTraining else {
            let (mean, variance) = statistics.current
            let factor = scale * (variance + Scalar(epsilon)).rsqrt()
            return (input * factor).addingBias(shift - mean * factor, rectified: rectified)
        }
        let (normalized, mean, variance) = input.normalizedWithStatistics(over: .channels, scale: scale, shift: shift,
                                                                          epsilon: epsilon, rectified: rectified)
        let count = input.elementCount / featureCount
        if count > 1 {
            let correction = Scalar(count) / Scalar(count - 1)
            statistics.update(batchMean: mean.scalars, batchVariance: variance.scalars.map { $0 * correction },
                              momentum: Scalar(momentum))
        }
        return normalized
    }

    /// `scale`, then `shift`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("scale", .scale, &scale)
        visit("shift", .shift, &shift)
    }

    /// `runningMean`, then `runningVariance`, in a box of this layer's own (copied first when
    /// shared, so the visit never changes another copy).
    public mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {
        if !isKnownUniquelyReferenced(&statistics) { statistics = statistics.copy() }
        var (mean, variance) = statistics.current
        visit("runningMean", &mean)
        visit("runningVariance", &variance)
        guard mean.shape == [featureCount], variance.shape == [featureCount] else {
            fatalError("BatchNorm.visitState: running statistics of shapes \(mean.shape) and \(variance.shape), expected [\(featureCount)]")
        }
        statistics.set(mean: mean, variance: variance)
    }

    /// The input's shape, [batch, …, featureCount] (rank 2 or more).
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard shape.rank >= 2, shape.last == featureCount else {
            throw InputShapeError(self, expected: "[batch, …, \(featureCount)]", actual: shape)
        }
        return shape
    }

    /// "BatchNorm(16)", or "BatchNorm(16, ReLU)" with an activation.
    public var layerDescription: String { "BatchNorm(\(featureCount)\(activation.map { ", \($0.name)" } ?? ""))" }
}
