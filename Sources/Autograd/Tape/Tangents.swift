/// The cotangents (or tangents) of a primitive's inputs, in input order; nil means zero, and so
/// does every position past the last one given.
struct Tangents<Scalar: TensorElement> {
    private var values: InlineList<Tensor<Scalar>?>

    /// Tangents for one to three inputs.
    init(_ first: Tensor<Scalar>?, _ second: Tensor<Scalar>? = nil, _ third: Tensor<Scalar>? = nil) {
        values = InlineList()
        values.append(first)
        values.append(second)
        values.append(third)
    }

    /// Tangents for any number of inputs.
    init(_ tangents: some Sequence<Tensor<Scalar>?>) { values = InlineList(tangents) }

    /// The tangent of input `slot` (nil: zero).
    subscript(slot: Int) -> Tensor<Scalar>? { slot < values.count ? values[slot] : nil }

    /// The tangent of the first input.
    var first: Tensor<Scalar>? { self[0] }
    /// The tangent of the second input.
    var second: Tensor<Scalar>? { self[1] }
    /// The tangent of the third input.
    var third: Tensor<Scalar>? { self[2] }

    /// Whether every tangent is zero.
    var areAllZero: Bool { values.allSatisfy { $0 == nil } }
}
