// The functional interface to differentiation: value and gradient, pullback (reverse mode,
// vector–Jacobian products) and pushforward (forward mode, Jacobian–vector products).

/// The value of `f` at `x` and the gradient of that single-element value with respect to `x`.
public func valueWithGradient<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, of f: (Tensor<Scalar>) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> (value: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    let (value, gradients) = try valueWithGradient(at: [x], of: { try f($0[0]) }, file: file, line: line)
    return (value, gradients[0])
}

/// The value of `f` at `(x, y)` and its gradient with respect to both arguments.
public func valueWithGradient<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, _ y: Tensor<Scalar>, of f: (Tensor<Scalar>, Tensor<Scalar>) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> (value: Tensor<Scalar>, gradient: (Tensor<Scalar>, Tensor<Scalar>)) {
    let (value, gradients) = try valueWithGradient(at: [x, y], of: { try f($0[0], $0[1]) }, file: file, line: line)
    return (value, (gradients[0], gradients[1]))
}

/// The value of `f` at `xs` and its gradient with respect to each argument.
public func valueWithGradient<Scalar: TensorScalar>(
    at xs: [Tensor<Scalar>], of f: ([Tensor<Scalar>]) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> (value: Tensor<Scalar>, gradient: [Tensor<Scalar>]) {
    try withGradientTape(of: Scalar.self) { tape in
        let variables = xs.map(tape.watch)
        let value = try f(variables)
        let gradients = tape.gradient(of: value, withRespectTo: variables, file: file, line: line)
        return (tape.isOutermost ? value.detached : value, gradients)
    }
}

/// The gradient of the single-element value of `f` at `x`.
public func gradient<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, of f: (Tensor<Scalar>) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> Tensor<Scalar> {
    try valueWithGradient(at: x, of: f, file: file, line: line).gradient
}

/// The gradient of the single-element value of `f` at `(x, y)`.
public func gradient<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, _ y: Tensor<Scalar>, of f: (Tensor<Scalar>, Tensor<Scalar>) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> (Tensor<Scalar>, Tensor<Scalar>) {
    try valueWithGradient(at: x, y, of: f, file: file, line: line).gradient
}

/// The gradient of the single-element value of `f` at `xs`.
public func gradient<Scalar: TensorScalar>(
    at xs: [Tensor<Scalar>], of f: ([Tensor<Scalar>]) throws -> Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) rethrows -> [Tensor<Scalar>] {
    try valueWithGradient(at: xs, of: f, file: file, line: line).gradient
}

/// The value of `f` at `xs` and its pullback, which maps a cotangent of the value's shape to the
/// cotangents of the arguments (vector–Jacobian products). The intermediates stay alive as long
/// as the pullback does.
public func valueWithPullback<Scalar: TensorScalar>(
    at xs: [Tensor<Scalar>], of f: ([Tensor<Scalar>]) throws -> Tensor<Scalar>
) rethrows -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> [Tensor<Scalar>]) {
    try RecordingScope.run(Scalar.self, keepingTapeOpen: true) { tape, isOutermost in
        let variables = xs.map(tape.watch)
        let value = try f(variables)
        let lease = TapeLease(tape, isOwner: isOutermost)
        return (isOutermost ? value.detached : value, { cotangent in
            GradientTape(tape: lease.tape, isOutermost: lease.isOwner)
                .pullback(of: value, cotangent: cotangent, withRespectTo: variables)
        })
    }
}

/// The value of `f` at `x` and its pullback.
public func valueWithPullback<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, of f: (Tensor<Scalar>) throws -> Tensor<Scalar>
) rethrows -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
    let (value, pullback) = try valueWithPullback(at: [x], of: { try f($0[0]) })
    return (value, { pullback($0)[0] })
}

/// The value of `f` at `xs` and its pushforward, which maps tangents of the arguments to the
/// tangent of the value (Jacobian–vector products, forward mode: each primitive's
/// pushforward is applied in evaluation order).
public func valueWithPushforward<Scalar: TensorScalar>(
    at xs: [Tensor<Scalar>], of f: ([Tensor<Scalar>]) throws -> Tensor<Scalar>
) rethrows -> (value: Tensor<Scalar>, pushforward: ([Tensor<Scalar>]) -> Tensor<Scalar>) {
    try RecordingScope.run(Scalar.self, keepingTapeOpen: true) { tape, isOutermost in
        let variables = xs.map(tape.watch)
        let value = try f(variables)
        let lease = TapeLease(tape, isOwner: isOutermost)
        return (isOutermost ? value.detached : value, { tangents in
            GradientTape(tape: lease.tape, isOutermost: lease.isOwner)
                .tangent(of: value, along: tangents, at: variables)
        })
    }
}

/// The value of `f` at `x` and its pushforward.
public func valueWithPushforward<Scalar: TensorScalar>(
    at x: Tensor<Scalar>, of f: (Tensor<Scalar>) throws -> Tensor<Scalar>
) rethrows -> (value: Tensor<Scalar>, pushforward: (Tensor<Scalar>) -> Tensor<Scalar>) {
    let (value, pushforward) = try valueWithPushforward(at: [x], of: { try f($0[0]) })
    return (value, { pushforward([$0]) })
}
