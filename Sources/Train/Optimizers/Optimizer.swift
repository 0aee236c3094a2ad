import Autograd

/// An update rule for parameters: given the whole gradient of a step, it changes every
/// parameter in place.
///
/// Parameters are updated only after the full gradient of a step is known, as in the seeds'
/// netbp, which computes every δ with the old weights before touching any of them. An
/// optimiser's state (velocities, moments, step count) is available as named tensors so that a
/// checkpoint can save it and a resumed run continues bit for bit.
public protocol Optimizer<Scalar> {
    /// The element type of the parameters.
    associatedtype Scalar: TensorScalar

    /// The step size η; a schedule sets it before each step.
    var learningRate: Double { get set }

    /// Updates `parameters` in place along `gradients` (one per parameter, same shapes);
    /// `info` names each parameter and says whether weight decay applies to it, whether it is
    /// frozen (left untouched) and how its learning rate and weight decay differ from the
    /// optimiser's (``ParameterGroup``).
    mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>], info: [ParameterInfo])

    /// The state as named tensors (`<parameter name>.<slot>`, and `step` where there is one).
    var state: [String: Tensor<Scalar>] { get }

    /// Replaces the state by one saved from ``state``, checked against the parameters it is
    /// for; throws ``OptimizerStateError`` when it does not fit them.
    mutating func restoreState(_ state: [String: Tensor<Scalar>], for parameters: [Tensor<Scalar>],
                               info: [ParameterInfo]) throws
}

extension Optimizer {
    /// Updates anonymous parameters, named by position ("0", "1", …), all with weight decay.
    public mutating func update(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>]) {
        update(&parameters, gradients: gradients, info: ParameterInfo.anonymous(parameters.count))
    }
}

/// What an optimiser needs to know about a parameter besides its value.
public struct ParameterInfo: Hashable, Sendable {
    /// A name unique within the model, such as `block1.conv.weight`; it keys the optimiser state.
    public var name: String
    /// Whether weight decay applies: true for weights, false for biases (seed 004 (8.2)
    /// leaves biases out of the penalty) and for normalisation scales and shifts.
    public var isDecayed: Bool
    /// Whether the parameter is frozen: it gets no update, no weight decay and no optimiser
    /// state, and ``Trainer`` does not differentiate with respect to it.
    public var isFrozen: Bool
    /// The factor applied to the optimiser's learning rate (after any schedule) for this parameter.
    public var learningRateScale: Double
    /// The weight decay for this parameter instead of the optimiser's (nil: the optimiser's);
    /// it applies when ``isDecayed`` is set.
    public var weightDecay: WeightDecay?

    /// Describes one parameter.
    public init(name: String, isDecayed: Bool = true, isFrozen: Bool = false, learningRateScale: Double = 1,
                weightDecay: WeightDecay? = nil) {
        self.name = name
        self.isDecayed = isDecayed
        self.isFrozen = isFrozen
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
    }

    /// Parameters named by position ("0", "1", …), all decayed.
    public static func anonymous(_ count: Int) -> [ParameterInfo] {
        (0..<count).map { ParameterInfo(name: String($0)) }
    }
}

/// How an optimiser shrinks weights, on parameters whose ``ParameterInfo/isDecayed`` is set.
public enum WeightDecay: Hashable, Sendable {
    /// No decay.
    case none
    /// L2 regularisation coupled into the gradient: g ← g + λ p, the gradient of (λ/2)‖p‖².
    /// Seed 004 (8.2)'s penalty (λ/N)‖W‖² corresponds to λ_here = 2λ/N.
    case coupled(Double)
    /// Decoupled decay (Loshchilov & Hutter, AdamW): p ← (1 − ηλ) p before the update.
    case decoupled(Double)

    /// The coefficient added to the gradient, and the factor applied to the parameter.
    func coefficients<Scalar: TensorScalar>(learningRate: Double, applies: Bool) -> (coupled: Scalar, shrink: Scalar) {
        guard applies else { return (0, 1) }
        switch self {
        case .none: return (0, 1)
        case .coupled(let lambda): return (Scalar(lambda), 1)
        case .decoupled(let lambda): return (0, Scalar(1 - learningRate * lambda))
        }
    }
}

/// A saved optimiser state that does not fit the parameters it is restored for.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// A tensor that the optimiser needs is absent.
    case missing(String)
    /// A tensor that this optimiser does not know (another optimiser's state, or another model's).
    case unexpected(String)
    /// A tensor whose shape differs from the parameter it belongs to.
    case shapeMismatch(name: String, expected: Shape, found: Shape)
    /// A step count that is not a non-negative integer.
    case invalidStep(String)

    public var description: String {
        switch self {
        case .missing(let name):
            "optimiser state: tensor '\(name)' is missing; was the checkpoint written by another optimiser?"
        case .unexpected(let name):
            "optimiser state: unexpected tensor '\(name)'; the checkpoint belongs to another optimiser or model"
        case let .shapeMismatch(name, expected, found):
            "optimiser state: tensor '\(name)' has shape \(found), but its parameter has shape \(expected); the checkpoint belongs to another model"
        case .invalidStep(let detail):
            "optimiser state: invalid step count (\(detail))"
        }
    }
}
