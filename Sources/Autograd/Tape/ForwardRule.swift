// The three rules a recorded primitive keeps on the tape: its forward rule on raw elements,
// its pullback and its pushforward.

/// Pointers to the elements of a primitive's inputs, in input order: one pointer per input,
/// read through a single pointer to the list, so that a replayed step passes one word
/// whatever the primitive's arity.
struct ForwardInputs<Scalar> {
    let pointers: UnsafePointer<UnsafeRawPointer>

    /// The elements of input `slot`.
    subscript(slot: Int) -> UnsafePointer<Scalar> { pointers[slot].assumingMemoryBound(to: Scalar.self) }

    /// The elements of the first input.
    var first: UnsafePointer<Scalar> { self[0] }
    /// The elements of the second input.
    var second: UnsafePointer<Scalar> { self[1] }
    /// The elements of the third input.
    var third: UnsafePointer<Scalar> { self[2] }
}

/// A primitive's forward rule on raw elements. It is kept on the tape, so that a traced function
/// can be replayed on new data without the tape (see ``CompiledFunction``).
typealias Forward<Scalar: TensorElement> = (_ inputs: ForwardInputs<Scalar>, _ output: UnsafeMutablePointer<Scalar>) -> Void

/// A primitive's pullback: the output cotangent and the (recorded) output give the input cotangents.
typealias Pullback<Scalar: TensorElement> = (_ cotangent: Tensor<Scalar>, _ output: Tensor<Scalar>) -> Tangents<Scalar>
/// A primitive's pushforward: the input tangents (nil = zero) and the output give the output tangent.
typealias Pushforward<Scalar: TensorElement> = (_ tangents: Tangents<Scalar>, _ output: Tensor<Scalar>) -> Tensor<Scalar>
