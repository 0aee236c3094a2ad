// The mask multiply behind dropout: y = x ∘ m for a mask m that is not differentiated (for
// inverted dropout, m holds 0 and 1/(1 − p)). A mask made inside a compiled function is a
// constant of it, replayed as traced; a mask that is one of its inputs (a recorded tensor) stays
// an operand, so each run multiplies by the mask it is fed. Pullback: ḡ ∘ m (none for m);
// pushforward: ẋ ∘ m.

extension Tensor where Scalar: TensorScalar {
    /// This tensor multiplied element-wise by `mask` of the same shape, which is not
    /// differentiated (a constant; or, recorded, a compiled function's mask input).
    @_specialize(where Scalar == Float)
    public func multiplying(byMask mask: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard mask.shape == shape else {
            Tensor.shapeMismatch("maskMultiply", shape, mask.shape, "differ (the mask must match the input)",
                                 file: file, line: line)
        }
        return .applying(.maskMultiply, Tensor.binaryForward(.multiply, count: elementCount), to: self, mask, shape: shape) {
            .linear({ $0.multiplying(byMask: mask) }, adjoint: { $0.multiplying(byMask: mask) })
        }
    }
}
