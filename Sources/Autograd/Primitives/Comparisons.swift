import KernelSupport

// Comparisons, the element-wise minimum and maximum, and selection by a mask.
//
// A comparison gives a mask of 0 and 1 (the operands' scalar type, so that it multiplies and
// selects directly), recorded with a zero derivative so that a compiled function recomputes it
// from new data. minimum, maximum and where route each element's derivative to the operand it
// came from.

extension Tensor where Scalar: TensorScalar {
    /// 1 where `self comparison other` holds, 0 elsewhere, broadcasting the operands (NaN
    /// compares false, except for ≠). A mask: zero derivative.
    @_specialize(where Scalar == Float)
    func compared(_ comparison: Comparison, _ other: Tensor, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        combining(other, .comparison, .compare(comparison), operation: comparison.rawValue, file: file, line: line) { _, _ in .constant }
    }

    /// 1 where lhs < rhs, 0 elsewhere (broadcasting), as NumPy's `less` and `lhs < rhs` in PyTorch.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.less, rhs) }
    /// 1 where lhs ≤ rhs, 0 elsewhere (broadcasting).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.lessOrEqual, rhs) }
    /// 1 where lhs > rhs, 0 elsewhere (broadcasting).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.greater, rhs) }
    /// 1 where lhs ≥ rhs, 0 elsewhere (broadcasting).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.greaterOrEqual, rhs) }
    /// 1 where lhs = rhs, 0 elsewhere (broadcasting).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.equal, rhs) }
    /// 1 where lhs ≠ rhs (or either is NaN), 0 elsewhere (broadcasting).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.compared(.notEqual, rhs) }
    /// 1 where lhs < rhs, 0 elsewhere.
    public static func .< (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .< Tensor(rhs) }
    /// 1 where lhs ≤ rhs, 0 elsewhere.
    public static func .<= (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .<= Tensor(rhs) }
    /// 1 where lhs > rhs, 0 elsewhere.
    public static func .> (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .> Tensor(rhs) }
    /// 1 where lhs ≥ rhs, 0 elsewhere.
    public static func .>= (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .>= Tensor(rhs) }
    /// 1 where lhs = rhs, 0 elsewhere.
    public static func .== (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .== Tensor(rhs) }
    /// 1 where lhs ≠ rhs, 0 elsewhere.
    public static func .!= (lhs: Tensor, rhs: Scalar) -> Tensor { lhs .!= Tensor(rhs) }

    /// `a` where `condition` is not zero, `b` elsewhere, all three broadcast to one shape, as
    /// NumPy's and PyTorch's `where`. `condition` is a mask (a comparison's result, or any
    /// tensor of 0 and 1) and is not differentiated. Pullback: (ȳ where the condition holds,
    /// ȳ elsewhere) to (a, b); pushforward: the same selection of (ȧ, ḃ).
    @_specialize(where Scalar == Float)
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor,
                               file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard let common = Shape.broadcast(condition.shape, a.shape).flatMap({ Shape.broadcast($0, b.shape) }) else {
            fatalError("where: shapes \(condition.shape), \(a.shape) and \(b.shape) are not broadcast-compatible",
                       file: file, line: line)
        }
        let (mask, a, b) = (condition.broadcast(to: common), a.broadcast(to: common), b.broadcast(to: common))
        return selecting(mask, a, b)
    }

    /// `a` where `mask` is not zero, `b` elsewhere; all three of one shape, the mask constant.
    static func selecting(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let (count, kernel) = (a.elementCount, Scalar.kernels.select)
        let forward: Forward<Scalar> = { inputs, output in kernel(inputs.first, inputs.second, inputs.third, output, count) }
        return .applying(.select, forward, to: mask, a, b, shape: a.shape) {
            let zeros = Tensor.zeros(a.shape)
            return DerivativeRules(
                pullback: { cotangent, _ in
                    Tangents(nil, selecting(mask, cotangent, zeros), selecting(mask, zeros, cotangent))
                },
                pushforward: { t, _ in selecting(mask, t.second ?? zeros, t.third ?? zeros) })
        }
    }
}

/// The smaller of `a` and `b` element-wise (broadcasting; NaN when either is), as NumPy's and
/// PyTorch's `minimum`. Pullback: ȳ to the operand chosen (to `a` on ties); pushforward alike.
@_specialize(where Scalar == Float)
public func minimum<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>,
                                          file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
    a.combining(b, .minimum, .minimum, file: file, line: line) { a, b in choiceRules(a .<= b) }
}

/// The larger of `a` and `b` element-wise (broadcasting; NaN when either is), as NumPy's and
/// PyTorch's `maximum`. Pullback: ȳ to the operand chosen (to `a` on ties); pushforward alike.
@_specialize(where Scalar == Float)
public func maximum<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>,
                                          file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
    a.combining(b, .maximum, .maximum, file: file, line: line) { a, b in choiceRules(a .>= b) }
}

/// The rules of y = a where `chosen` (a mask), b elsewhere, for operands of one shape.
private func choiceRules<Scalar: TensorScalar>(_ chosen: Tensor<Scalar>) -> DerivativeRules<Scalar> {
    let zeros = Tensor<Scalar>.zeros(chosen.shape)
    return DerivativeRules(
        pullback: { cotangent, _ in
            Tangents(Tensor.selecting(chosen, cotangent, zeros), Tensor.selecting(chosen, zeros, cotangent))
        },
        pushforward: { t, _ in Tensor.selecting(chosen, t.first ?? zeros, t.second ?? zeros) })
}
