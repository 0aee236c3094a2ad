import KernelSupport

// How a primitive is applied: its forward rule computes the value, and only when an input is
// recorded are its derivative rules built and the entry appended to the tape. Every primitive
// goes through `Tensor.applying`, so that none repeats the evaluate → check → record steps.

/// A primitive's pullback (VJP) and pushforward (JVP), built only when the primitive is recorded.
struct DerivativeRules<Scalar: TensorScalar> {
    let pullback: Pullback<Scalar>
    let pushforward: Pushforward<Scalar>

    /// The rules of y = f(x) applied element by element, from its derivative f′ as a tensor: a
    /// differentiable expression of the input `x` and the recorded output y, so that higher
    /// orders follow. Pullback ȳ ∘ f′; pushforward ẋ ∘ f′.
    static func elementwise(
        _ x: Tensor<Scalar>, derivative: @escaping (_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Self {
        Self(pullback: { cotangent, y in Tangents(cotangent * derivative(x, y)) },
             pushforward: { t, y in t.first! * derivative(x, y) })
    }

    /// The rules of a function that is locally constant in its inputs (piecewise constant, away
    /// from its jumps): zero derivatives.
    static var constant: Self {
        Self(pullback: { _, _ in Tangents(nil) }, pushforward: { _, y in Tensor.zeros(y.shape) })
    }

    /// The rules of a linear y = L(x) (`map`): pushforward L(ẋ), pullback `adjoint`(ȳ) = Lᵀ ȳ.
    static func linear(
        _ map: @escaping (Tensor<Scalar>) -> Tensor<Scalar>, adjoint: @escaping (Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Self {
        Self(pullback: { cotangent, _ in Tangents(adjoint(cotangent)) }, pushforward: { t, _ in map(t.first!) })
    }

    /// The rules of y = B(a, b) for a bilinear B (`product`): pushforward B(ȧ, b) + B(a, ḃ);
    /// pullback (`first`(ȳ), `second`(ȳ)), each computed only for an operand that is recorded
    /// (so that the gradient of a layer's input data, never needed, costs nothing).
    static func bilinear(
        _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, product: @escaping (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>,
        first: @escaping (Tensor<Scalar>) -> Tensor<Scalar>, second: @escaping (Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Self {
        let (needsFirst, needsSecond) = (a.isRecorded, b.isRecorded)
        return Self(
            pullback: { cotangent, _ in Tangents(needsFirst ? first(cotangent) : nil, needsSecond ? second(cotangent) : nil) },
            pushforward: { t, _ in addTangents(t.first.map { product($0, b) }, t.second.map { product(a, $0) }) })
    }
}

extension Tensor where Scalar: TensorScalar {
    /// The value of `primitive` on one to three inputs, of `shape`, computed by `forward`; when
    /// any input is recorded, recorded with the `rules` (built only then).
    static func applying(
        _ primitive: Primitive, _ forward: @escaping Forward<Scalar>, to a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil,
        shape: Shape, rules: () -> DerivativeRules<Scalar>
    ) -> Tensor {
        let y = Tensor(shape: shape, evaluating: forward, a, b, c)
        guard let tape = Tape.recording(a, b, c) else { return y }
        let rules = rules()
        return tape.record(primitive, y, inputs: a, b, c, forward: forward, pullback: rules.pullback,
                           pushforward: rules.pushforward)
    }

    /// The value of `primitive` on any number of `inputs`, as
    /// ``applying(_:_:to:_:_:shape:rules:)`` for one to three.
    static func applying(
        _ primitive: Primitive, _ forward: @escaping Forward<Scalar>, to inputs: [Tensor], shape: Shape,
        rules: () -> DerivativeRules<Scalar>
    ) -> Tensor {
        let y = Tensor(shape: shape, evaluating: forward, inputs: inputs)
        guard let tape = Tape.recording(inputs) else { return y }
        let rules = rules()
        return tape.record(primitive, y, inputs: inputs, forward: forward, pullback: rules.pullback,
                           pushforward: rules.pushforward)
    }

    /// The element-wise primitive y = f(x) whose kernel is `kernel`, recorded with `rules`.
    func elementwise(_ primitive: Primitive, _ kernel: UnaryKernel<Scalar>, rules: () -> DerivativeRules<Scalar>) -> Tensor {
        .applying(primitive, Tensor.unaryForward(kernel, count: elementCount), to: self, shape: shape, rules: rules)
    }

    /// The element-wise primitive y = f(x) whose kernel is `kernel`, with its derivative f′ as a
    /// tensor expression of x and y (see ``DerivativeRules/elementwise(_:derivative:)``).
    func elementwise(
        _ primitive: Primitive, _ kernel: UnaryKernel<Scalar>,
        derivative: @escaping (_ x: Tensor, _ y: Tensor) -> Tensor
    ) -> Tensor {
        elementwise(primitive, kernel) { .elementwise(self, derivative: derivative) }
    }
}
