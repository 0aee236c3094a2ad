import KernelSupport

// Element-wise activations: sigmoid, tanh, ReLU, leaky ReLU. Derivatives are written with the
// output where it is cheaper (σ′ = σ(1 − σ), tanh′ = 1 − tanh²), and as differentiable tensor
// expressions, so that they can be differentiated again. ReLU′ and leaky ReLU′ are piecewise
// constant (ReLU′(0) = 0, as seeds 000/004 define ReLU), computed by their own primitive whose
// derivative is zero. The pullbacks of sigmoid, tanh and ReLU are one primitive each
// (`sigmoidBackward`, `tanhBackward`, `reluBackward`): one pass over the elements.

extension Tensor where Scalar: TensorScalar {
    /// The logistic sigmoid σ(x) = 1 / (1 + e^−x). Pullback: ḡ ∘ σ(1 − σ); pushforward: ẋ ∘ σ(1 − σ),
    /// both one `sigmoidBackward`.
    @_specialize(where Scalar == Float)
    public func sigmoid() -> Tensor {
        elementwise(.sigmoid, .sigmoid) {
            DerivativeRules(pullback: { cotangent, output in Tangents(cotangent.sigmoidBackward(output: output)) },
                            pushforward: { t, output in t.first!.sigmoidBackward(output: output) })
        }
    }

    /// The hyperbolic tangent. Pullback: ḡ ∘ (1 − tanh²); pushforward: ẋ ∘ (1 − tanh²), both one
    /// `tanhBackward`.
    @_specialize(where Scalar == Float)
    public func tanh() -> Tensor {
        elementwise(.tanh, .tanh) {
            DerivativeRules(pullback: { cotangent, output in Tangents(cotangent.tanhBackward(output: output)) },
                            pushforward: { t, output in t.first!.tanhBackward(output: output) })
        }
    }

    /// This tensor as a cotangent ḡ through the sigmoid whose output is σ: ḡ ∘ σ(1 − σ), in one
    /// pass. Pullback: (ū ∘ σ(1 − σ), ū ∘ ḡ ∘ (1 − 2σ)); pushforward: ġ ∘ σ(1 − σ) + ḡ ∘ (1 − 2σ) ∘ σ̇.
    @_specialize(where Scalar == Float)
    func sigmoidBackward(output: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        activationBackward(.sigmoidBackward, .sigmoidBackward, output: output, file: file, line: line) { g, s in
            g * (1 - 2 * s)
        }
    }

    /// This tensor as a cotangent ḡ through tanh whose output is t: ḡ ∘ (1 − t²), in one pass.
    /// Pullback: (ū ∘ (1 − t²), −2 ū ∘ ḡ ∘ t); pushforward: ġ ∘ (1 − t²) − 2 ḡ ∘ t ∘ ṫ.
    @_specialize(where Scalar == Float)
    func tanhBackward(output: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        activationBackward(.tanhBackward, .tanhBackward, output: output, file: file, line: line) { g, t in
            g * t * -2
        }
    }

    /// ḡ ∘ f′ for an activation f whose derivative f′ is a function of its output y (the `kernel`).
    /// `derivativeInOutput(ḡ, y)` is ∂(ḡ ∘ f′)/∂y, a diagonal: it scales ū for the pullback and ẏ
    /// for the pushforward. Linear in ḡ, so ∂/∂ḡ is the same primitive again.
    private func activationBackward(
        _ primitive: Primitive, _ kernel: BinaryKernel<Scalar>, output: Tensor, file: StaticString, line: UInt,
        derivativeInOutput: @escaping (_ cotangent: Tensor, _ output: Tensor) -> Tensor
    ) -> Tensor {
        guard shape == output.shape else {
            Tensor.shapeMismatch("\(primitive)", shape, output.shape, "differ (cotangent and output)", file: file, line: line)
        }
        let cotangent = self
        func again(_ g: Tensor) -> Tensor { g.activationBackward(primitive, kernel, output: output, file: file, line: line,
                                                                 derivativeInOutput: derivativeInOutput) }
        return .applying(primitive, Tensor.binaryForward(kernel, count: elementCount), to: self, output, shape: shape) {
            DerivativeRules(pullback: { u, _ in Tangents(again(u), u * derivativeInOutput(cotangent, output)) },
                            pushforward: { t, _ in
                                let slope = t.second.map { $0 * derivativeInOutput(cotangent, output) }
                                return addTangents(t.first.map(again), slope)
                            })
        }
    }

    /// max(0, x). Pullback: ḡ ∘ 1[x > 0]; pushforward: ẋ ∘ 1[x > 0], both one `reluBackward`.
    @_specialize(where Scalar == Float)
    public func relu() -> Tensor {
        elementwise(.relu, .relu) {
            .linear({ $0.reluBackward(input: self) }, adjoint: { $0.reluBackward(input: self) })
        }
    }

    /// x for x > 0, `slope` · x otherwise (seeds 000/004 use slope 0.01).
    /// Pullback: ḡ ∘ (1 or slope); pushforward alike.
    @_specialize(where Scalar == Float)
    public func leakyRelu(slope: Scalar = 0.01) -> Tensor {
        elementwise(.leakyRelu, .leakyRelu(slope: slope)) { x, _ in x.leakyReluDerivative(slope: slope) }
    }

    /// This tensor as a cotangent ḡ through ReLU at `input`: ḡ ∘ 1[x > 0] (ReLU′(0) = 0), in one
    /// pass instead of ReLU′(x) and a product. Linear in ḡ, piecewise constant in x.
    /// Pullback: (ū ∘ 1[x > 0], 0); pushforward: ġ ∘ 1[x > 0].
    @_specialize(where Scalar == Float)
    func reluBackward(input: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard shape == input.shape else {
            Tensor.shapeMismatch("reluBackward", shape, input.shape, "differ (cotangent and input)", file: file, line: line)
        }
        return .applying(.reluBackward, Tensor.binaryForward(.reluBackward, count: elementCount), to: self, input, shape: shape) {
            DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent.reluBackward(input: input), nil) },
                            pushforward: { t, _ in t.first.map { $0.reluBackward(input: input) } ?? Tensor.zeros(input.shape) })
        }
    }

    /// The derivative of leaky ReLU as a tensor: 1 where x > 0, `slope` elsewhere (0 at 0, as the
    /// seeds define ReLU′). Piecewise constant, so its own derivative is zero. Recorded, so that a
    /// compiled function recomputes it from new data.
    @_specialize(where Scalar == Float)
    func leakyReluDerivative(slope: Scalar) -> Tensor {
        elementwise(.leakyReluDerivative, .leakyReluDerivative(slope: slope)) { .constant }
    }
}
