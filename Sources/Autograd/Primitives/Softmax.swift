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

    /// e^x / Σ e^x along `axis` (default: the last); with an additive `mask` (broadcast to this
    /// shape), of x + mask: entries of −∞ get probability 0 (``causalMask(_:)`` for attention),
    /// and a line masked whole gives zeros rather than NaN.
    /// Pullback: p ∘ (ḡ − Σ(ḡ ∘ p)); pushforward: p ∘ (ẋ − Σ(ẋ ∘ p)) (the mask is a constant).
    @_specialize(where Scalar == Float)
    public func softmax(alongAxis axis: Int = -1, mask: Tensor? = nil, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        if let mask { return masked(mask, "softmax", file, line).softmax(alongAxis: axis, file: file, line: line) }
        let axis = shape.normalizedAxis(axis, operation: "softmax", file: file, line: line)
        return .applying(.softmax, softmaxForward(axis: axis, logarithmic: false), to: self, shape: shape) {
            Tensor.softmaxRules(axis: axis)
        }
    }

    /// Softmax's rules along `axis` from its output p: the Jacobian diag(p) − p pᵀ is symmetric,
    /// so the same map v ↦ p ∘ (v − Σ(v ∘ p)) serves both modes.
    static func softmaxRules(axis: Int) -> DerivativeRules<Scalar> {
        let product: (Tensor, Tensor) -> Tensor = { v, p in p * (v - (v * p).sum(alongAxes: [axis], keepingDimensions: true)) }
        return DerivativeRules(pullback: { cotangent, p in Tangents(product(cotangent, p)) },
                               pushforward: { t, p in product(t.first!, p) })
    }

    /// Softmax along the last axis of attention scores [..., T, T] under the causal mask: row i
    /// (query position i) over its entries 0...i (the keys up to it), the others 0. Equals
    /// `softmax(mask: .causalMask(T))` up to rounding, without forming the mask or the masked sum.
    /// Pullback and pushforward: softmax's (masked entries have p = 0 and receive nothing).
    @_specialize(where Scalar == Float)
    public func causalSoftmax(file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard rank >= 2, shape[rank - 1] == shape[rank - 2] else {
            fatalError("causalSoftmax: shape \(shape) must end in two axes of one size, [..., T, T]", file: file, line: line)
        }
        let size = shape[rank - 1], rows = elementCount / Swift.max(size, 1)
        return .applying(.causalSoftmax, { inputs, output in Scalar.kernels.causalSoftmax(inputs.first, output, rows, size) },
                         to: self, shape: shape) {
            Tensor.softmaxRules(axis: rank - 1)
        }
    }

    /// x − log Σ e^x along `axis` (default: the last), without forming e^x for large x; with an
    /// additive `mask`, of x + mask (−∞ entries give −∞, as does a line masked whole).
    /// Pullback: ḡ − p Σḡ; pushforward: ẋ − Σ(p ∘ ẋ).
    @_specialize(where Scalar == Float)
    public func logSoftmax(alongAxis axis: Int = -1, mask: Tensor? = nil, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        if let mask { return masked(mask, "logSoftmax", file, line).logSoftmax(alongAxis: axis, file: file, line: line) }
        let axis = shape.normalizedAxis(axis, operation: "logSoftmax", file: file, line: line)
        return .applying(.logSoftmax, softmaxForward(axis: axis, logarithmic: true), to: self, shape: shape) {
            DerivativeRules(
                pullback: { cotangent, logP in
                    Tangents(cotangent - logP.exp() * cotangent.sum(alongAxes: [axis], keepingDimensions: true))
                },
                pushforward: { t, logP in t.first! - (logP.exp() * t.first!).sum(alongAxes: [axis], keepingDimensions: true) })
        }
    }

    /// This tensor plus an additive `mask` that broadcasts to its shape, or a stop naming `operation`.
    private func masked(_ mask: Tensor, _ operation: String, _ file: StaticString, _ line: UInt) -> Tensor {
        guard mask.shape.isBroadcastable(to: shape) else {
            Tensor.shapeMismatch(operation, shape, mask.shape, "do not fit (the mask must broadcast to the input)", file: file, line: line)
        }
        return self + mask
    }

    /// The additive mask of causal attention over `size` positions: a `size` × `size` matrix of
    /// 0 on and below the diagonal and −∞ above it, so that position i attends to positions up to i.
    public static func causalMask(_ size: Int) -> Tensor {
        var mask = Tensor.zeros([size, size])
        mask.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<size { for column in (row + 1)..<Swift.max(size, row + 1) { buffer[row * size + column] = -.infinity } }
        }
        return mask
    }
}
