// The mask multiply behind dropout: y = x ∘ m for a constant mask m (for inverted dropout,
// m holds 0 and 1/(1 − p)). The mask is not differentiated, and a compiled function replays the
// mask it was traced with. Pullback: ḡ ∘ m; pushforward: ẋ ∘ m.

extension Tensor where Scalar: TensorScalar {
    /// This tensor multiplied element-wise by the constant `mask` of the same shape.
    @_specialize(where Scalar == Float)
    public func multiplying(byMask mask: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard mask.shape == shape else {
            Tensor.shapeMismatch("maskMultiply", shape, mask.shape, "differ (the mask must match the input)",
                                 file: file, line: line)
        }
        let constantMask = mask.detached
        return .applying(.maskMultiply, Tensor.binaryForward(.multiply, count: elementCount), to: self, constantMask,
                         shape: shape) {
            .linear({ $0.multiplying(byMask: constantMask) }, adjoint: { $0.multiplying(byMask: constantMask) })
        }
    }
}
