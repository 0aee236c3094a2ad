import Autograd

/// A layer or a model: a differentiable function of its input and of its parameters.
///
/// Calling a module runs it. Its parameters are reached through ``visitParameters(_:)`` in a
/// stable order under stable dotted names (`block1.conv.weight`), which is what optimisers,
/// checkpoints and summaries rely on; no reflection is involved, so optimised builds behave
/// the same. Whether the call is part of training (dropout on) or inference is carried by the
/// ``ForwardContext``.
///
/// A module with parameters of its own lists them in `visitParameters` (a requirement of
/// ``Parameterized``, which `Module` refines); a container forwards the visit to each child with
/// ``Parameterized/visitParameters(prefixedBy:_:)``.
public protocol Module<Scalar>: Parameterized {
    /// Runs the module on `input`; `context` says whether this is training and supplies the
    /// random numbers (dropout masks) for it.
    func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar>

    /// The shape of the output for an input of `shape` (batch axis first), or an error naming the
    /// shape this module expects.
    func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape

    /// The named parts of a container whose parts run one after another, in order, which
    /// ``summary(inputShape:)`` lists one by one; empty (the default) for a single layer, and
    /// for a container that is not a chain (which the summary then shows as one row).
    var sublayers: [(name: String, module: any Module<Scalar>)] { get }
}

/// What a parameter is for: weights are penalised by L2 regularisation (and weight decay), the
/// other roles are not (seed 004 (8.2): biases "typically are not included"; embeddings and
/// normalisations' scales and shifts are not decayed either, as in GPT-2 and PyTorch's recipes).
public enum ParameterRole: String, Sendable, Hashable, CaseIterable {
    /// A weight matrix or convolution filter.
    case weight
    /// A bias vector.
    case bias
    /// A normalisation's scale.
    case scale
    /// A normalisation's shift.
    case shift
    /// A table of learned vectors, one row per token id or position.
    case embedding
}

extension Module {
    /// No parts: a single layer.
    public var sublayers: [(name: String, module: any Module<Scalar>)] { [] }
}
