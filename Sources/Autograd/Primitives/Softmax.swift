import KernelSupport

// Softmax and log-softmax along one axis, evaluated stably (the largest entry is subtracted
// first). With p = softmax(x), the Jacobian is diag(p) − p pᵀ (seed 003 (3.49)), so
// Jᵀḡ = p ∘ (ḡ − ⟨ḡ, p⟩). For log-softmax, ∂/∂x = I − 1 pᵀ, so Jᵀḡ = ḡ − p Σḡ.

extension Tensor where Scalar: TensorScalar {
    /// The forward rule of softmax (or log-softmax) along `axis`.
    @_specialize(where Scalar == Float)
    func softmaxForward(axis: Int, logarithmic: Bool) -> Forward<Scalar> {
        let layout = AxisLayout(shape.dimensions, axis: axis)
        return { inputs, output in Scalar.kernels.softmax(inputs.first, output, layout, logarithmic) }
    }

    /// e^x / Σ e^x along `axis` (default: the last).
    /// Pullback: p ∘ (ḡ − Σ(ḡ ∘ p)); pushforward: p ∘ (ẋ − Σ(ẋ ∘ p)).
    @_specialize(where Scalar == Float)
    public func softmax(alongAxis axis: Int = -1, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: "softmax", file: file, line: line)
        return .applying(.softmax, softmaxForward(axis: axis, logarithmic: false), to: self, shape: shape) {
            // The Jacobian diag(p) − p pᵀ is symmetric: the same map serves both modes.
            let product: (Tensor, Tensor) -> Tensor = { v, p in p * (v - (v * p).sum(alongAxes: [axis], keepingDimensions: true)) }
            return DerivativeRules(pullback: { cotangent, p in Tangents(product(cotangent, p)) },
                                   pushforward: { t, p in product(t.first!, p) })
        }
    }

    /// x − log Σ e^x along `axis` (default: the last), without forming e^x for large x.
    /// Pullback: ḡ − p Σḡ; pushforward: ẋ − Σ(p ∘ ẋ).
    @_specialize(where Scalar == Float)
    public func logSoftmax(alongAxis axis: Int = -1, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: "logSoftmax", file: file, line: line)
        return .applying(.logSoftmax, softmaxForward(axis: axis, logarithmic: true), to: self, shape: shape) {
            DerivativeRules(
                pullback: { cotangent, logP in
                    Tangents(cotangent - logP.exp() * cotangent.sum(alongAxes: [axis], keepingDimensions: true))
                },
                pushforward: { t, logP in t.first! - (logP.exp() * t.first!).sum(alongAxes: [axis], keepingDimensions: true) })
        }
    }
}
