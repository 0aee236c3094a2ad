import Autograd

/// A layer or a model: a differentiable function of its input and of its parameters.
///
/// Calling a module runs it. Its parameters are reached through ``visitParameters(_:)`` in a
/// stable order under stable dotted names (`block1.conv.weight`), which is what optimisers,
/// checkpoints and summaries rely on; no reflection is involved, so optimised builds behave
/// the same. Whether the call is part of training (dropout on) or inference is carried by the
/// ``ForwardContext``.
///
/// A module with parameters of its own lists them in `visitParameters`; a container forwards
/// the visit to each child with ``visitParameters(prefixedBy:_:)``.
public protocol Module<Scalar> {
    /// The element type of the tensors the module computes with: `Float` or `Double`.
    associatedtype Scalar: TensorScalar

    /// Runs the module on `input`; `context` says whether this is training and supplies the
    /// random numbers (dropout masks) for it.
    func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar>

    /// Calls `visit` on every parameter, always in the same order, with its name, its role and
    /// the value itself, which `visit` may replace (with a tensor of the same shape).
    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void)

    /// Calls `visit` on every state tensor (what a layer keeps between calls without learning it
    /// by gradient, such as ``BatchNorm``'s running statistics), always in the same order, with
    /// its name and the value, which `visit` may replace (with a tensor of the same shape).
    /// Checkpoints save and restore state; optimisers never see it. None by default; a
    /// container forwards the visit to each child with ``visitState(prefixedBy:_:)``.
    mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void)

    /// The shape of the output for an input of `shape` (batch axis first), or an error naming the
    /// shape this module expects.
    func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape

    /// A short description for summaries and error messages, such as `Dense(2 → 3)`.
    var layerDescription: String { get }

    /// The named parts of a container whose parts run one after another, in order, which
    /// ``summary(inputShape:)`` lists one by one; empty (the default) for a single layer, and
    /// for a container that is not a chain (which the summary then shows as one row).
    var sublayers: [(name: String, module: any Module<Scalar>)] { get }
}

/// What a parameter is for: weights are penalised by L2 regularisation and weight decay; biases
/// are not (seed 004 (8.2): biases "typically are not included"), and neither are the scales and
/// shifts of normalisation layers (as in the usual AdamW recipes).
public enum ParameterRole: String, Sendable, Hashable, CaseIterable {
    /// A weight matrix or convolution filter.
    case weight
    /// A bias vector.
    case bias
    /// The learnable scale γ of a normalisation layer.
    case scale
    /// The learnable shift β of a normalisation layer.
    case shift
}

extension Module {
    /// The type name without generic arguments, e.g. `MyLayer`.
    public var layerDescription: String {
        let name = String(describing: Self.self)
        return String(name.prefix { $0 != "<" })
    }

    /// No state (the default for layers that keep nothing between calls).
    public mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {}

    /// No parts: a single layer.
    public var sublayers: [(name: String, module: any Module<Scalar>)] { [] }
}
