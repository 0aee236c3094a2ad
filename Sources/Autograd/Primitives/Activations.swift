// Element-wise activations: sigmoid, tanh, ReLU, leaky ReLU. Derivatives are written with the
// output where it is cheaper (σ′ = σ(1 − σ), tanh′ = 1 − tanh²), and as differentiable tensor
// expressions, so that they can be differentiated again. ReLU′ and leaky ReLU′ are piecewise
// constant (ReLU′(0) = 0, as seeds 000/004 define ReLU), computed by their own primitive whose
// derivative is zero; ReLU's pullback is one primitive of its own, `reluBackward`.

extension Tensor {
    /// The logistic sigmoid σ(x) = 1 / (1 + e^−x). Pullback: ḡ ∘ σ(1 − σ); pushforward: ẋ ∘ σ(1 − σ).
    @_specialize(where Scalar == Float)
    public func sigmoid() -> Tensor {
        let forward = Tensor.unaryForward(.sigmoid, count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.sigmoid, y, inputs: self, forward: forward,
            pullback: { cotangent, output in Tangents(cotangent * output * (1 - output)) },
            pushforward: { t, output in t.first! * output * (1 - output) })
    }

    /// The hyperbolic tangent. Pullback: ḡ ∘ (1 − tanh²); pushforward: ẋ ∘ (1 − tanh²).
    @_specialize(where Scalar == Float)
    public func tanh() -> Tensor {
        let forward = Tensor.unaryForward(.tanh, count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.tanh, y, inputs: self, forward: forward,
            pullback: { cotangent, output in Tangents(cotangent * (1 - output * output)) },
            pushforward: { t, output in t.first! * (1 - output * output) })
    }

    /// max(0, x). Pullback: ḡ ∘ 1[x > 0]; pushforward: ẋ ∘ 1[x > 0], both one `reluBackward`.
    @_specialize(where Scalar == Float)
    public func relu() -> Tensor {
        let forward = Tensor.unaryForward(.relu, count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.relu, y, inputs: self, forward: forward,
            pullback: { cotangent, _ in Tangents(cotangent.reluBackward(input: self)) },
            pushforward: { t, _ in t.first!.reluBackward(input: self) })
    }

    /// x for x > 0, `slope` · x otherwise (seeds 000/004 use slope 0.01).
    /// Pullback: ḡ ∘ (1 or slope); pushforward alike.
    @_specialize(where Scalar == Float)
    public func leakyRelu(slope: Scalar = 0.01) -> Tensor {
        let forward = Tensor.unaryForward(.leakyRelu(slope: slope), count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.leakyRelu, y, inputs: self, forward: forward,
            pullback: { cotangent, _ in Tangents(cotangent * self.leakyReluDerivative(slope: slope)) },
            pushforward: { t, _ in t.first! * self.leakyReluDerivative(slope: slope) })
    }

    /// This tensor as a cotangent ḡ through ReLU at `input`: ḡ ∘ 1[x > 0] (ReLU′(0) = 0), in one
    /// pass instead of ReLU′(x) and a product. Linear in ḡ, piecewise constant in x.
    /// Pullback: (ū ∘ 1[x > 0], 0); pushforward: ġ ∘ 1[x > 0].
    @_specialize(where Scalar == Float)
    public func reluBackward(input: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard shape == input.shape else {
            Tensor.shapeMismatch("reluBackward", shape, input.shape, "differ (cotangent and input)", file: file, line: line)
        }
        let forward = Tensor.binaryForward(.reluBackward, count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self, input)
        guard let tape = Tape.recording(self, input) else { return y }
        return tape.record(.reluBackward, y, inputs: self, input, forward: forward,
            pullback: { cotangent, _ in Tangents(cotangent.reluBackward(input: input), nil) },
            pushforward: { t, _ in t.first.map { $0.reluBackward(input: input) } ?? Tensor.zeros(input.shape) })
    }

    /// The derivative of leaky ReLU as a tensor: 1 where x > 0, `slope` elsewhere (0 at 0, as the
    /// seeds define ReLU′). Piecewise constant, so its own derivative is zero. Recorded, so that a
    /// compiled function recomputes it from new data.
    @_specialize(where Scalar == Float)
    public func leakyReluDerivative(slope: Scalar) -> Tensor {
        let forward = Tensor.unaryForward(.leakyReluDerivative(slope: slope), count: elementCount)
        let y = Tensor(shape: shape, evaluating: forward, self)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.leakyReluDerivative, y, inputs: self, forward: forward,
            pullback: { _, _ in Tangents(nil) },
            pushforward: { t, _ in Tensor.zeros(t.first!.shape) })
    }
}
