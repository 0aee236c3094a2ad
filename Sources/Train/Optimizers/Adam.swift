import Autograd
import Foundation
import KernelSupport

/// Adam (Kingma & Ba 2015), with bias correction. At step t = 1, 2, …:
///
///     m ← β₁ m + (1 − β₁) g              v ← β₂ v + (1 − β₂) g²
///     m̂ = m / (1 − β₁ᵗ)                  v̂ = v / (1 − β₂ᵗ)
///     p ← p − η m̂ / (√v̂ + ε)
///
/// Defaults are the paper's: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (Keras uses ε = 1e-7).
/// Seed 000 trains its CIFAR-10 network with Adam but gives no formula or settings.
///
/// Weight decay: ``WeightDecay/coupled(_:)`` adds λp to g (L2 regularisation, which Adam then
/// rescales per coordinate); ``WeightDecay/decoupled(_:)`` is AdamW (Loshchilov & Hutter):
/// p ← (1 − ηλ) p before the step above, see ``adamW(learningRate:weightDecay:beta1:beta2:epsilon:)``.
/// The state is `<name>.firstMoment`, `<name>.secondMoment` and the step count `step`.
public struct Adam<Scalar: TensorScalar>: Optimizer {
    /// The step size η.
    public var learningRate: Double
    /// The decay rate β₁ of the first-moment average.
    public var beta1: Double
    /// The decay rate β₂ of the second-moment average.
    public var beta2: Double
    /// The constant ε added to √v̂.
    public var epsilon: Double
    /// The weight decay applied to parameters whose ``ParameterInfo/isDecayed`` is set.
    public var weightDecay: WeightDecay
    private var slots = OptimizerSlots<Scalar>(slots: ["firstMoment", "secondMoment"], countsSteps: true)

    /// Creates the optimiser with Kingma & Ba's defaults. The coefficients are literals,
    /// `Double`s or the model's `Float`.
    public init(learningRate: some BinaryFloatingPoint = 1e-3 as Double, beta1: some BinaryFloatingPoint = 0.9 as Double,
                beta2: some BinaryFloatingPoint = 0.999 as Double, epsilon: some BinaryFloatingPoint = 1e-8 as Double,
                weightDecay: WeightDecay = .none) {
        self.learningRate = Double(learningRate)
        self.beta1 = Double(beta1)
        self.beta2 = Double(beta2)
        self.epsilon = Double(epsilon)
        self.weightDecay = weightDecay
    }

    /// AdamW: Adam with decoupled weight decay λ (PyTorch's default λ = 0.01).
    public static func adamW(learningRate: some BinaryFloatingPoint = 1e-3 as Double,
                             weightDecay: some BinaryFloatingPoint = 0.01 as Double, beta1: some BinaryFloatingPoint = 0.9 as Double,
                             beta2: some BinaryFloatingPoint = 0.999 as Double, epsilon: some BinaryFloatingPoint = 1e-8 as Double) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: .decoupled(Double(weightDecay)))
    }

    /// The number of updates applied so far (t of the last step).
    public var step: Int { slots.step }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>], info: [ParameterInfo]) {
        let (beta1, beta2, epsilon) = (beta1, beta2, epsilon)
        slots.apply(&parameters, gradients: gradients, info: info, learningRate: learningRate, weightDecay: weightDecay) { step in
            .adam(beta1: Scalar(beta1), beta2: Scalar(beta2), epsilon: Scalar(epsilon),
                  correction1: Scalar(1 / (1 - pow(beta1, Double(step)))),
                  correction2: Scalar(1 / (1 - pow(beta2, Double(step)))))
        }
    }

    /// The moments and the step count.
    public var state: [String: Tensor<Scalar>] { slots.exported }

    public mutating func restoreState(_ state: [String: Tensor<Scalar>], for parameters: [Tensor<Scalar>],
                                      info: [ParameterInfo]) throws {
        try slots.restore(state, for: parameters, info: info)
    }
}
