import Autograd
import KernelSupport

/// Plain (stochastic) gradient descent, seed 004 (4.3)/(4.8): p ← p − η g.
///
/// With ``WeightDecay/coupled(_:)`` the gradient becomes g + λp (L2 regularisation); for SGD,
/// coupled and decoupled decay give the same update. SGD keeps no state.
public struct SGD<Scalar: TensorScalar>: Optimizer {
    /// The step size η.
    public var learningRate: Double
    /// The weight decay applied to parameters whose ``ParameterInfo/isDecayed`` is set.
    public var weightDecay: WeightDecay
    private var slots = OptimizerSlots<Scalar>(slots: [], countsSteps: false)

    /// Creates the optimiser; seed 004's netbp uses η = 0.05. The rate is a literal, a `Double`
    /// or the model's `Float`.
    public init(learningRate: some BinaryFloatingPoint, weightDecay: WeightDecay = .none) {
        self.learningRate = Double(learningRate)
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>], info: [ParameterInfo]) {
        slots.apply(&parameters, gradients: gradients, info: info, learningRate: learningRate, weightDecay: weightDecay) { _ in .sgd }
    }

    /// Always empty: SGD has no state.
    public var state: [String: Tensor<Scalar>] { slots.exported }

    public mutating func restoreState(_ state: [String: Tensor<Scalar>], for parameters: [Tensor<Scalar>],
                                      info: [ParameterInfo]) throws {
        try slots.restore(state, for: parameters, info: info)
    }
}
