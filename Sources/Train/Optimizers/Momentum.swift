import Autograd
import KernelSupport

/// Stochastic gradient with momentum, the "moving average of current and past gradient
/// directions" of seed 004 §7.4:
///
///     v ← μ v + g        (v starts at zero)
///     p ← p − η v
///
/// With a constant η this is MatConvNet's `v ← μv − ηg; p ← p + v` (its v is −η times this
/// one); when a schedule changes η, the new η here also scales the accumulated velocity, as in
/// PyTorch. μ = 0.9 by default (MatConvNet's value). The state is one velocity per parameter,
/// saved as `<name>.velocity`.
public struct Momentum<Scalar: TensorScalar>: Optimizer {
    /// The step size η.
    public var learningRate: Double
    /// The momentum coefficient μ.
    public var momentum: Double
    /// The weight decay applied to parameters whose ``ParameterInfo/isDecayed`` is set;
    /// coupled decay adds λp to g before it enters the velocity.
    public var weightDecay: WeightDecay
    private var slots = OptimizerSlots<Scalar>(slots: ["velocity"], countsSteps: false)

    /// Creates the optimiser; seed 004's CIFAR-10 network trains with η = 0.05 (then a
    /// schedule) and, in MatConvNet, μ = 0.9 and coupled decay 1e-4. The coefficients are
    /// literals, `Double`s or the model's `Float`.
    public init(learningRate: some BinaryFloatingPoint, momentum: some BinaryFloatingPoint = 0.9 as Double,
                weightDecay: WeightDecay = .none) {
        self.learningRate = Double(learningRate)
        self.momentum = Double(momentum)
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>], info: [ParameterInfo]) {
        let mu = Scalar(momentum)
        slots.apply(&parameters, gradients: gradients, info: info, learningRate: learningRate, weightDecay: weightDecay) { _ in
            .momentum(mu)
        }
    }

    /// The velocities, `<parameter name>.velocity`.
    public var state: [String: Tensor<Scalar>] { slots.exported }

    public mutating func restoreState(_ state: [String: Tensor<Scalar>], for parameters: [Tensor<Scalar>],
                                      info: [ParameterInfo]) throws {
        try slots.restore(state, for: parameters, info: info)
    }
}
