// Element-wise activations: sigmoid, tanh, ReLU, leaky ReLU. Derivatives are written with the
// output where it is cheaper (σ′ = σ(1 − σ), tanh′ = 1 − tanh²), and as differentiable tensor
// expressions, so that they can be differentiated again. ReLU′ and leaky ReLU′ are piecewise
// constant masks (ReLU′(0) = 0, as seeds 000/004 define ReLU); their own derivative is zero.

extension Tensor {
    /// The logistic sigmoid σ(x) = 1 / (1 + e^−x). Pullback: ḡ ∘ σ(1 − σ); pushforward: ẋ ∘ σ(1 − σ).
    public func sigmoid() -> Tensor {
        let y = mapped(.sigmoid)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.sigmoid, y, inputs: self,
            pullback: { cotangent, output in Tangents(cotangent * output * (1 - output)) },
            pushforward: { t, output in t.first! * output * (1 - output) })
    }

    /// The hyperbolic tangent. Pullback: ḡ ∘ (1 − tanh²); pushforward: ẋ ∘ (1 − tanh²).
    public func tanh() -> Tensor {
        let y = mapped(.tanh)
        guard let tape = Tape.recording(self) else { return y }
        return tape.record(.tanh, y, inputs: self,
            pullback: { cotangent, output in Tangents(cotangent * (1 - output * output)) },
            pushforward: { t, output in t.first! * (1 - output * output) })
    }

    /// max(0, x). Pullback: ḡ ∘ 1[x > 0]; pushforward: ẋ ∘ 1[x > 0].
    public func relu() -> Tensor {
        let y = mapped(.relu)
        guard let tape = Tape.recording(self) else { return y }
        let derivative = detached.mapped(.leakyReluDerivative(slope: 0))
        return tape.record(.relu, y, inputs: self,
            pullback: { cotangent, _ in Tangents(cotangent.multiplying(byMask: derivative)) },
            pushforward: { t, _ in t.first!.multiplying(byMask: derivative) })
    }

    /// x for x > 0, `slope` · x otherwise (seeds 000/004 use slope 0.01).
    /// Pullback: ḡ ∘ (1 or slope); pushforward alike.
    public func leakyRelu(slope: Scalar = 0.01) -> Tensor {
        let y = mapped(.leakyRelu(slope: slope))
        guard let tape = Tape.recording(self) else { return y }
        let derivative = detached.mapped(.leakyReluDerivative(slope: slope))
        return tape.record(.leakyRelu, y, inputs: self,
            pullback: { cotangent, _ in Tangents(cotangent.multiplying(byMask: derivative)) },
            pushforward: { t, _ in t.first!.multiplying(byMask: derivative) })
    }
}
