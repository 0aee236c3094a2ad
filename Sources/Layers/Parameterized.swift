import Autograd

/// Anything that holds parameters: every ``Module``, and models whose input is not one tensor of
/// their scalar type, such as a language model written in plain code that takes token ids
/// (`Tensor<Int32>`) and calls an ``Embedding`` with them.
///
/// Its parameters are reached through ``visitParameters(_:)`` in a stable order under stable
/// dotted names, which is all that ``parameters``, ``updateParameters(along:file:line:_:)``,
/// ``replaceParameters(with:file:line:)`` and ``valueWithGradient(file:line:_:)`` need.
public protocol Parameterized<Scalar> {
    /// The element type of the parameters: `Float` or `Double`.
    associatedtype Scalar: TensorScalar

    /// Calls `visit` on every parameter, always in the same order, with its name, its role and
    /// the value itself, which `visit` may replace (with a tensor of the same shape).
    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void)

    /// Calls `visit` on every state tensor (what a layer keeps between calls without learning it
    /// by gradient, such as ``BatchNorm``'s running statistics), always in the same order, with
    /// its name and the value, which `visit` may replace (with a tensor of the same shape).
    /// Checkpoints save and restore state; optimisers never see it. None by default; a
    /// container forwards the visit to each child with ``visitState(prefixedBy:_:)``.
    mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void)

    /// A short description for summaries and error messages, such as `Dense(2 → 3)`.
    var layerDescription: String { get }
}

extension Parameterized {
    /// No state (the default for layers that keep nothing between calls).
    public mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {}

    /// The type name without generic arguments, e.g. `MyLayer`.
    public var layerDescription: String {
        let name = String(describing: Self.self)
        return String(name.prefix { $0 != "<" })
    }
}
