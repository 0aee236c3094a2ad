// The mask multiply behind dropout: y = x ∘ m for a constant mask m (for inverted dropout,
// m holds 0 and 1/(1 − p)). The mask is not differentiated, and a compiled function replays the
// mask it was traced with. Pullback: ḡ ∘ m; pushforward: ẋ ∘ m.

extension Tensor {
    /// This tensor multiplied element-wise by the constant `mask` of the same shape.
    @_specialize(where Scalar == Float)
    public func multiplying(byMask mask: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard mask.shape == shape else {
            Tensor.shapeMismatch("maskMultiply", shape, mask.shape, "differ (the mask must match the input)",
                                 file: file, line: line)
        }
        let constantMask = mask.detached
        let forward = Tensor.binaryForward(.multiply, count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self, constantMask)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.maskMultiply, y, inputs: self, constantMask, forward: forward,
            pullback: { cotangent, _ in Tangents(cotangent.multiplying(byMask: constantMask)) },
            pushforward: { t, _ in t.first!.multiplying(byMask: constantMask) })
    }
}
