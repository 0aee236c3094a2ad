import KernelSupport

// Element-wise arithmetic: add, subtract, negate, scale, multiply, divide, exp, log.
// Each primitive: forward (kernel), pushforward (JVP) and pullback (VJP), side by side.
// Binary operations broadcast their operands first (NumPy rules), through the `broadcast`
// primitive, so their own rules only ever see equal shapes.

extension Tensor where Scalar: TensorScalar {
    /// Both operands broadcast to their common shape (each recorded as a `broadcast` when it
    /// grows). `operation` names the operation in a shape mismatch; it is built only then.
    func broadcastOperands(_ other: Tensor, _ operation: @autoclosure () -> String, file: StaticString,
                           line: UInt) -> (Tensor, Tensor) {
        if shape == other.shape { return (self, other) }
        guard let common = Shape.broadcast(shape, other.shape) else {
            Tensor.shapeMismatch(operation(), shape, other.shape, "are not broadcast-compatible", file: file, line: line)
        }
        return (broadcast(to: common, file: file, line: line), other.broadcast(to: common, file: file, line: line))
    }

    /// The binary element-wise primitive `kernel` on both operands broadcast to their common
    /// shape, recorded as `primitive` with the `rules` (given the broadcast operands). A shape
    /// mismatch names `operation` (default: the primitive).
    func combining(
        _ other: Tensor, _ primitive: Primitive, _ kernel: BinaryKernel<Scalar>, operation: String? = nil,
        file: StaticString, line: UInt, rules: (_ a: Tensor, _ b: Tensor) -> DerivativeRules<Scalar>
    ) -> Tensor {
        let (a, b) = broadcastOperands(other, operation ?? primitive.rawValue, file: file, line: line)
        return .applying(primitive, Tensor.binaryForward(kernel, count: a.elementCount), to: a, b, shape: a.shape) {
            rules(a, b)
        }
    }

    /// Element-wise sum, broadcasting the operands; then max(0, ·) when `rectified` (one pass,
    /// the values of `(a + b).relu()`). Pullback: (ḡ, ḡ); pushforward: ẋ + ẏ; rectified, both
    /// masked by 1[y > 0].
    @_specialize(where Scalar == Float)
    public func adding(_ other: Tensor, rectified: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard rectified else {
            return combining(other, .add, .add, file: file, line: line) { _, _ in
                DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent, cotangent) },
                                pushforward: { t, _ in addTangents(t.first, t.second) })
            }
        }
        return combining(other, .addRelu, .addRelu, file: file, line: line) { _, _ in
            DerivativeRules(pullback: { cotangent, output in
                                let masked = cotangent.reluBackward(input: output)
                                return Tangents(masked, masked)
                            },
                            pushforward: { t, output in addTangents(t.first, t.second).reluBackward(input: output) })
        }
    }

    /// Element-wise difference, broadcasting the operands. Pullback: (ḡ, −ḡ); pushforward: ẋ − ẏ.
    @_specialize(where Scalar == Float)
    public func subtracting(_ other: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(other, .subtract, .subtract, file: file, line: line) { _, _ in
            DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent, -cotangent) },
                            pushforward: { t, _ in
                                guard let second = t.second else { return t.first! }
                                return t.first.map { $0 - second } ?? -second
                            })
        }
    }

    /// `self + factor · other` in one pass, broadcasting the operands: a gradient-descent update
    /// p − η g is `p.adding(g, scaledBy: -η)`. The product is rounded before the sum, so the result
    /// equals `self + other * factor` bit for bit. Pullback: (ḡ, c ḡ); pushforward: ẋ + c ẏ.
    @_specialize(where Scalar == Float)
    public func adding(_ other: Tensor, scaledBy factor: Scalar, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(other, .addScaled, .addScaled(factor), file: file, line: line) { _, _ in
            DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent, cotangent.scaled(by: factor)) },
                            pushforward: { t, _ in
                                guard let second = t.second else { return t.first! }
                                return t.first.map { $0.adding(second, scaledBy: factor) } ?? second.scaled(by: factor)
                            })
        }
    }

    /// Element-wise negation. Pullback: −ḡ; pushforward: −ẋ.
    @_specialize(where Scalar == Float)
    public func negated() -> Tensor {
        elementwise(.negate, .negate) {
            .linear({ -$0 }, adjoint: { -$0 })
        }
    }

    /// Multiplication by a constant c. Pullback: c ḡ; pushforward: c ẋ.
    @_specialize(where Scalar == Float)
    public func scaled(by factor: Scalar) -> Tensor {
        elementwise(.scale, .scale(factor)) {
            .linear({ $0.scaled(by: factor) }, adjoint: { $0.scaled(by: factor) })
        }
    }

    /// Hadamard (element-wise) product, broadcasting the operands.
    /// Pullback: (ḡ ∘ y, ḡ ∘ x) — ∂(x∘y)/∂x = diag(y) (seed 002, corrected); pushforward: ẋ ∘ y + x ∘ ẏ.
    @_specialize(where Scalar == Float)
    public func multiplying(_ other: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(other, .multiply, .multiply, file: file, line: line) { a, b in
            DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent * b, cotangent * a) },
                            pushforward: { t, _ in addTangents(t.first.map { $0 * b }, t.second.map { a * $0 }) })
        }
    }

    /// Element-wise quotient, broadcasting the operands.
    /// Pullback: (ḡ / y, −ḡ ∘ q / y) with q = x / y; pushforward: ẋ / y − ẏ ∘ q / y.
    @_specialize(where Scalar == Float)
    public func dividing(by other: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(other, .divide, .divide, file: file, line: line) { _, b in
            DerivativeRules(pullback: { cotangent, quotient in Tangents(cotangent / b, -(cotangent * quotient) / b) },
                            pushforward: { t, quotient in
                                addTangents(t.first.map { $0 / b }, t.second.map { -($0 * quotient) / b })
                            })
        }
    }

    /// e^x element-wise. Pullback: ḡ ∘ e^x; pushforward: ẋ ∘ e^x.
    @_specialize(where Scalar == Float)
    public func exp() -> Tensor { elementwise(.exp, .exp) { _, y in y } }

    /// Natural logarithm element-wise. Pullback: ḡ / x; pushforward: ẋ / x.
    @_specialize(where Scalar == Float)
    public func log() -> Tensor {
        elementwise(.log, .log) {
            DerivativeRules(pullback: { cotangent, _ in Tangents(cotangent / self) }, pushforward: { t, _ in t.first! / self })
        }
    }
}

// Operators: the same primitives. Operators cannot take the caller's location; on a shape
// mismatch the message names the operation and shapes, and the crash backtrace the caller.
extension Tensor where Scalar: TensorScalar {
    /// Element-wise sum with broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.adding(rhs) }
    /// Element-wise difference with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.subtracting(rhs) }
    /// Hadamard product with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.multiplying(rhs) }
    /// Element-wise quotient with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.dividing(by: rhs) }
    /// Element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor { operand.negated() }

    /// Adds a constant to every element.
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
    /// Adds a constant to every element.
    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// Subtracts a constant from every element.
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(-rhs) }
    /// Subtracts every element from a constant.
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// Multiplies every element by a constant.
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.scaled(by: rhs) }
    /// Multiplies every element by a constant.
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.scaled(by: lhs) }
    /// Divides every element by a constant.
    public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.scaled(by: 1 / rhs) }
    /// Divides a constant by every element.
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}
