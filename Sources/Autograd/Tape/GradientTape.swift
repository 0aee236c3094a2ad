/// Explicit control of a recording scope, for code that decides at run time what to
/// differentiate (layers and optimisers use it to watch parameters).
///
/// ```swift
/// let gradients = withGradientTape(of: Float.self) { tape in
///     let w = tape.watch(weights)
///     let loss = (w * x).sum()
///     return tape.gradient(of: loss, withRespectTo: [w])
/// }
/// ```
public struct GradientTape<Scalar: TensorScalar> {
    let tape: Tape<Scalar>
    let isOutermost: Bool

    /// Starts differentiation at `value`: returns the same value, recorded as a variable.
    public func watch(_ value: Tensor<Scalar>) -> Tensor<Scalar> { tape.watch(value) }

    /// The gradient of the single-element `value` with respect to each variable (zeros where
    /// `value` does not depend on it).
    public func gradient(
        of value: Tensor<Scalar>, withRespectTo variables: [Tensor<Scalar>],
        file: StaticString = #fileID, line: UInt = #line
    ) -> [Tensor<Scalar>] {
        guard value.elementCount == 1 else {
            fatalError("gradient: the differentiated value has shape \(value.shape); a gradient needs a single element (use a pullback with a cotangent)",
                                file: file, line: line)
        }
        return pullback(of: value, cotangent: Tensor(repeating: 1, shape: value.shape), withRespectTo: variables)
    }

    /// The gradient of the single-element `value` with respect to each variable, as
    /// ``gradient(of:withRespectTo:file:line:)`` gives it, calling `whenFinal` with each
    /// variable's position in `variables` and its gradient as soon as that gradient is final:
    /// right after the backward pass has gone through the earliest operation that uses the
    /// variable, while the operations recorded before it are still to be pulled back. Each
    /// variable is reported exactly once, in that order (the last layer's parameters of a
    /// network first), and the gradient handed over is the one returned.
    ///
    /// Data-parallel training starts summing a gradient across processes there, so that the
    /// communication overlaps the rest of the backward pass.
    public func gradient(
        of value: Tensor<Scalar>, withRespectTo variables: [Tensor<Scalar>],
        whenFinal: (_ position: Int, _ gradient: Tensor<Scalar>) -> Void,
        file: StaticString = #fileID, line: UInt = #line
    ) -> [Tensor<Scalar>] {
        guard value.elementCount == 1 else {
            fatalError("gradient: the differentiated value has shape \(value.shape); a gradient needs a single element (use a pullback with a cotangent)",
                                file: file, line: line)
        }
        var results = [Tensor<Scalar>?](repeating: nil, count: variables.count)
        withoutActuallyEscaping(whenFinal) { whenFinal in
            _ = tape.pullback(of: value, seed: Tensor(repeating: 1, shape: value.shape), to: variables) { position, cotangent in
                let result = finished(cotangent, for: variables[position])
                results[position] = result
                whenFinal(position, result)
            }
        }
        return results.map { $0! }
    }

    /// The gradient returned for a variable whose cotangent is `cotangent` (nil: zeros).
    private func finished(_ cotangent: Tensor<Scalar>?, for variable: Tensor<Scalar>) -> Tensor<Scalar> {
        let result = cotangent ?? Tensor.zeros(variable.shape)
        return isOutermost ? result.detached : result
    }

    /// The vector–Jacobian product: `cotangent` (shaped like `value`) pulled back to each variable.
    public func pullback(
        of value: Tensor<Scalar>, cotangent: Tensor<Scalar>, withRespectTo variables: [Tensor<Scalar>],
        file: StaticString = #fileID, line: UInt = #line
    ) -> [Tensor<Scalar>] {
        guard cotangent.shape == value.shape else {
            fatalError("pullback: cotangent of shape \(cotangent.shape) for a value of shape \(value.shape)",
                                file: file, line: line)
        }
        let cotangents = tape.pullback(of: value, seed: cotangent, to: variables)
        return zip(variables, cotangents).map { variable, cotangent in finished(cotangent, for: variable) }
    }

    /// The Jacobian–vector product: the tangent of `value` when each variable moves along the
    /// tangent of the same shape (forward mode).
    public func tangent(
        of value: Tensor<Scalar>, along tangents: [Tensor<Scalar>], at variables: [Tensor<Scalar>],
        file: StaticString = #fileID, line: UInt = #line
    ) -> Tensor<Scalar> {
        for (variable, tangent) in zip(variables, tangents) where variable.shape != tangent.shape {
            fatalError("tangent: tangent of shape \(tangent.shape) for a variable of shape \(variable.shape)",
                                file: file, line: line)
        }
        let result = tape.pushforward(of: value, from: variables, along: tangents) ?? Tensor.zeros(value.shape)
        return isOutermost ? result.detached : result
    }

    /// The first primitive recorded so far whose value holds NaN or an infinity, with its
    /// position on the tape; nil when every recorded value is finite.
    public func firstNonFiniteOperation() -> (primitive: Primitive, position: Int)? {
        tape.firstNonFinitePrimitive().map { ($0.primitive, $0.index) }
    }
}

/// Runs `body` inside a recording scope and returns its result. Scopes nest: a scope opened
/// inside another records onto the same tape, so gradients computed inside can be
/// differentiated again outside. When the outermost scope ends, its intermediates are freed.
public func withGradientTape<Scalar: TensorScalar, Result>(
    of scalar: Scalar.Type = Scalar.self, _ body: (GradientTape<Scalar>) throws -> Result
) rethrows -> Result {
    try RecordingScope.run(scalar) { tape, isOutermost in
        try body(GradientTape(tape: tape, isOutermost: isOutermost))
    }
}
