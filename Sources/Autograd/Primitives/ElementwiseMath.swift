import KernelSupport

// Element-wise mathematics: square roots, squares, absolute values, sines and cosines, powers
// and clamping. Each is its kernel and its derivative as a tensor expression (so that every
// order follows); the piecewise-constant derivatives (sign, the clamp mask) are primitives of
// their own with a zero derivative, so that a compiled function recomputes them from new data.

extension Tensor where Scalar: TensorScalar {
    /// √x element-wise (NaN below 0). Pullback: ȳ / (2√x); pushforward: ẋ / (2√x).
    @_specialize(where Scalar == Float)
    public func sqrt() -> Tensor { elementwise(.squareRoot, .squareRoot) { _, y in 0.5 / y } }

    /// 1/√x element-wise. Pullback: −½ ȳ y³; pushforward: −½ ẋ y³.
    @_specialize(where Scalar == Float)
    public func rsqrt() -> Tensor { elementwise(.reciprocalSquareRoot, .reciprocalSquareRoot) { _, y in y * y * y * -0.5 } }

    /// x² element-wise. Pullback: 2x ȳ; pushforward: 2x ẋ.
    @_specialize(where Scalar == Float)
    public func square() -> Tensor { elementwise(.square, .square) { x, _ in x * 2 } }

    /// |x| element-wise. Pullback: sign(x) ȳ (0 at 0, as PyTorch); pushforward: sign(x) ẋ.
    @_specialize(where Scalar == Float)
    public func abs() -> Tensor { elementwise(.absolute, .absolute) { x, _ in x.sign() } }

    /// sign(x): −1, 0 or 1 element-wise. Piecewise constant: zero derivative.
    @_specialize(where Scalar == Float)
    public func sign() -> Tensor { elementwise(.sign, .sign) { .constant } }

    /// sin x element-wise (radians). Pullback: ȳ cos x; pushforward: ẋ cos x.
    @_specialize(where Scalar == Float)
    public func sin() -> Tensor { elementwise(.sine, .sine) { x, _ in x.cos() } }

    /// cos x element-wise (radians). Pullback: −ȳ sin x; pushforward: −ẋ sin x.
    @_specialize(where Scalar == Float)
    public func cos() -> Tensor { elementwise(.cosine, .cosine) { x, _ in -x.sin() } }

    /// x^`exponent` element-wise: negative x only for integer exponents (NaN otherwise);
    /// x⁰ is 1 everywhere (a constant), x¹ is x. Pullback: p x^(p−1) ȳ; pushforward: p x^(p−1) ẋ.
    @_specialize(where Scalar == Float)
    public func pow(_ exponent: Scalar) -> Tensor {
        if exponent == 0 { return .ones(shape) }
        if exponent == 1 { return self }
        return elementwise(.power, .power(exponent)) { x, _ in x.pow(exponent - 1) * exponent }
    }

    /// aᵇ element-wise with a tensor exponent, broadcasting the operands: e^(b ln a) for a > 0,
    /// 0 or ∞ for a = 0, NaN for a < 0 (use ``pow(_:)`` for integer powers of negative numbers);
    /// a⁰ = 1. Pullback: (ȳ b a^(b−1), ȳ y ln a); pushforward: ȧ b a^(b−1) + ḃ y ln a.
    @_specialize(where Scalar == Float)
    public func pow(_ exponent: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(exponent, .powerTensor, .power, operation: "pow", file: file, line: line) { a, b in
            // ∂y/∂a = b a^(b−1), ∂y/∂b = y ln a.
            DerivativeRules(
                pullback: { cotangent, y in Tangents(cotangent * b * a.pow(b - 1), cotangent * y * a.log()) },
                pushforward: { t, y in addTangents(t.first.map { $0 * b * a.pow(b - 1) }, t.second.map { $0 * y * a.log() }) })
        }
    }

    /// Each element limited to `min`...`max` (either may be nil: no limit), as PyTorch's clamp.
    /// Pullback: ȳ where min ≤ x ≤ max, 0 elsewhere; pushforward likewise.
    @_specialize(where Scalar == Float)
    public func clamp(min lower: Scalar? = nil, max upper: Scalar? = nil, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let (low, high) = (lower ?? -.infinity, upper ?? .infinity)
        guard low <= high else { fatalError("clamp: min \(low) is above max \(high)", file: file, line: line) }
        return elementwise(.clamp, .clamp(lower: low, upper: high)) { x, _ in
            x.elementwise(.clampDerivative, .clampDerivative(lower: low, upper: high)) { .constant }
        }
    }
}
