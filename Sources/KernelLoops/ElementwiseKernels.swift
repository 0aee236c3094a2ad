import KernelSupport

/// Vectorised element-wise kernels: the `unary` and `binary` table entries.
///
/// Each formula is written once, generic over ``ElementwiseLanes``: the kernels run it a `Vector`
/// at a time through the body of an array and one element at a time after the last whole vector.
/// Short arrays (every tensor of the netbp step) thus cost a few scalar instructions, with no
/// partial vector assembled in memory. Large arrays are split into contiguous chunks across
/// ``KernelThreads/current`` threads (element-wise results cannot depend on the split); small
/// ones run directly, without building the closure a fork/join needs.
enum ElementwiseKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    static func unary(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let threads = count >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return unaryChunk(operation, x, y, count) }
        let pointers = Unchecked((x, y))
        WorkerPool.shared.runChunks(of: count, granularity: Vector.scalarCount, threads: threads) { range in
            let (x, y) = pointers.value
            unaryChunk(operation, x + range.lowerBound, y + range.lowerBound, range.count)
        }
    }

    static func binary(_ operation: BinaryKernel<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                       _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let threads = count >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return binaryChunk(operation, a, b, y, count) }
        let pointers = Unchecked((a, b, y))
        WorkerPool.shared.runChunks(of: count, granularity: Vector.scalarCount, threads: threads) { range in
            let (a, b, y) = pointers.value
            binaryChunk(operation, a + range.lowerBound, b + range.lowerBound, y + range.lowerBound, range.count)
        }
    }

    /// `y[i] = mask[i] != 0 ? a[i] : b[i]`, split across threads as ``binary(_:_:_:_:_:)`` is.
    static func select(_ mask: UnsafePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                       _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let threads = count >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return selectChunk(mask, a, b, y, count) }
        let pointers = Unchecked((mask, a, b, y))
        WorkerPool.shared.runChunks(of: count, granularity: Vector.scalarCount, threads: threads) { range in
            let (mask, a, b, y) = pointers.value
            let start = range.lowerBound
            selectChunk(mask + start, a + start, b + start, y + start, range.count)
        }
    }

    /// ``select(_:_:_:_:_:)`` on the calling thread, a vector at a time, then element by element.
    static func selectChunk(_ mask: UnsafePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                            _ y: UnsafeMutablePointer<T>, _ count: Int) {
        @inline(__always) func chosen<Lanes: MathLanes>(_ m: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes where Lanes.Element == T {
            Lanes.choosing(b, where: m, equals: Lanes(repeating: 0), otherwise: a)
        }
        let width = Vector.scalarCount
        var i = 0
        while i + width <= count {
            (y + i).storeVector(chosen((mask + i).loadVector(), (a + i).loadVector(), (b + i).loadVector()))
            i += width
        }
        while i < count {
            y[i] = chosen(mask[i], a[i], b[i])
            i += 1
        }
    }

    /// Each case hands the loop its own constant operation, so that the inlined loop is compiled
    /// once per formula, with no dispatch inside it.
    static func unaryChunk(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .negate: map(.negate, x, y, count)
        case .exp: map(.exp, x, y, count)
        case .log: map(.log, x, y, count)
        case .sigmoid: map(.sigmoid, x, y, count)
        case .tanh: map(.tanh, x, y, count)
        case .relu: map(.relu, x, y, count)
        case .scale(let factor): map(.scale(factor), x, y, count)
        case .leakyRelu(let slope): map(.leakyRelu(slope: slope), x, y, count)
        case .leakyReluDerivative(let slope): map(.leakyReluDerivative(slope: slope), x, y, count)
        case .squareRoot: map(.squareRoot, x, y, count)
        case .reciprocalSquareRoot: map(.reciprocalSquareRoot, x, y, count)
        case .absolute: map(.absolute, x, y, count)
        case .sign: map(.sign, x, y, count)
        case .square: map(.square, x, y, count)
        case .sine: map(.sine, x, y, count)
        case .cosine: map(.cosine, x, y, count)
        // x⁰ = 1 for every x, NaN and the infinities included (as C's pow).
        case .power(let exponent) where exponent == 0: y.update(repeating: 1, count: count)
        case .power(let exponent): map(.power(exponent), x, y, count)
        case .clamp(let lower, let upper): map(.clamp(lower: lower, upper: upper), x, y, count)
        case .clampDerivative(let lower, let upper): map(.clampDerivative(lower: lower, upper: upper), x, y, count)
        case .softplus: map(.softplus, x, y, count)
        case .silu: map(.silu, x, y, count)
        case .siluDerivative: map(.siluDerivative, x, y, count)
        case .geluTanh: map(.geluTanh, x, y, count)
        case .geluTanhDerivative: map(.geluTanhDerivative, x, y, count)
        case .geluErf: map(.geluErf, x, y, count)
        case .geluErfDerivative: map(.geluErfDerivative, x, y, count)
        }
    }

    /// As ``unaryChunk(_:_:_:_:)``: one inlined loop per formula.
    static func binaryChunk(_ operation: BinaryKernel<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                            _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .add: map(.add, a, b, y, count)
        case .subtract: map(.subtract, a, b, y, count)
        case .multiply: map(.multiply, a, b, y, count)
        case .divide: map(.divide, a, b, y, count)
        case .addScaled(let factor): map(.addScaled(factor), a, b, y, count)
        case .addRelu: map(.addRelu, a, b, y, count)
        case .reluBackward: map(.reluBackward, a, b, y, count)
        case .sigmoidBackward: map(.sigmoidBackward, a, b, y, count)
        case .tanhBackward: map(.tanhBackward, a, b, y, count)
        case .power: map(.power, a, b, y, count)
        case .minimum: map(.minimum, a, b, y, count)
        case .maximum: map(.maximum, a, b, y, count)
        case .compare(let comparison):
            switch comparison {
            case .less: map(.compare(.less), a, b, y, count)
            case .lessOrEqual: map(.compare(.lessOrEqual), a, b, y, count)
            case .greater: map(.compare(.greater), a, b, y, count)
            case .greaterOrEqual: map(.compare(.greaterOrEqual), a, b, y, count)
            case .equal: map(.compare(.equal), a, b, y, count)
            case .notEqual: map(.compare(.notEqual), a, b, y, count)
            }
        }
    }

    /// `y[i] = operation(x[i])`, a vector at a time, then element by element.
    @_transparent
    static func map(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let width = Vector.scalarCount
        var i = 0
        while i + width <= count {
            (y + i).storeVector(apply(operation, (x + i).loadVector()))
            i += width
        }
        while i < count {
            y[i] = apply(operation, x[i])
            i += 1
        }
    }

    /// `y[i] = operation(a[i], b[i])`, a vector at a time, then element by element.
    @_transparent
    static func map(_ operation: BinaryKernel<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                    _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let width = Vector.scalarCount
        var i = 0
        while i + width <= count {
            (y + i).storeVector(apply(operation, (a + i).loadVector(), (b + i).loadVector()))
            i += width
        }
        while i < count {
            y[i] = apply(operation, a[i], b[i])
            i += 1
        }
    }

    /// The formula of a unary kernel on lanes.
    @inline(__always)
    static func apply<Lanes: MathLanes>(_ operation: UnaryKernel<T>, _ x: Lanes) -> Lanes where Lanes.Element == T {
        let (zero, one) = (Lanes(repeating: 0), Lanes(repeating: 1))
        switch operation {
        // −0 − x, not −x: the standard library's SIMD negation is 0 − x, which turns +0 into +0
        // (and a vector lane would then differ from the scalar tail's −0).
        case .negate: return Lanes(repeating: -T.zero) - x
        case .exp: return Lanes.exp(x)
        case .log: return Lanes.log(x)
        case .sigmoid: return sigmoid(x)
        case .tanh: return Lanes.tanh(x)
        case .relu: return Lanes.choosing(x, whereAboveZero: x, otherwise: zero)
        case .scale(let factor): return x * Lanes(repeating: factor)
        case .leakyRelu(let slope): return Lanes.choosing(x, whereAboveZero: x, otherwise: x * Lanes(repeating: slope))
        case .leakyReluDerivative(let slope): return Lanes.choosing(one, whereAboveZero: x, otherwise: Lanes(repeating: slope))
        case .squareRoot: return Lanes.squareRoot(x)
        case .reciprocalSquareRoot: return one / Lanes.squareRoot(x)
        case .absolute: return Lanes.magnitude(x)
        case .sign:
            return Lanes.choosing(one, whereAboveZero: x, otherwise: Lanes.choosing(Lanes(repeating: -1), whereAboveZero: -x, otherwise: zero))
        case .square: return x * x
        case .sine: return Lanes.sin(x)
        case .cosine: return Lanes.cos(x)
        case .power(let exponent):
            let magnitude = Lanes.exp(Lanes.log(Lanes.magnitude(x)) * Lanes(repeating: exponent))
            if exponent.rounded() != exponent {
                return Lanes.choosing(Lanes(repeating: .nan), where: zero, isGreaterThan: x, otherwise: magnitude)
            }
            let isOdd = (exponent / 2).rounded() != exponent / 2
            return isOdd ? Lanes.choosing(-magnitude, where: zero, isGreaterThan: x, otherwise: magnitude) : magnitude
        case .clamp(let lower, let upper):
            let (low, high) = (Lanes(repeating: lower), Lanes(repeating: upper))
            let raised = Lanes.choosing(low, where: low, isGreaterThan: x, otherwise: x)
            return Lanes.choosing(high, where: raised, isGreaterThan: high, otherwise: raised)
        case .clampDerivative(let lower, let upper):
            let belowUpper = Lanes.choosing(one, where: Lanes(repeating: upper), isAtLeast: x, otherwise: zero)
            return Lanes.choosing(belowUpper, where: x, isAtLeast: Lanes(repeating: lower), otherwise: zero)
        case .softplus:
            // max(x, 0) + log1p(e^−|x|), with log1p(u) = log(1 + u) · u / ((1 + u) − 1), exact
            // for the u that 1 + u rounds away.
            let u = Lanes.exp(-Lanes.magnitude(x)), w = one + u
            let logOnePlus = Lanes.choosing(u, where: w, equals: one, otherwise: Lanes.log(w) * (u / (w - one)))
            return Lanes.choosing(x, whereAboveZero: x, otherwise: zero) + logOnePlus
        case .silu: return x * sigmoid(x)
        case .siluDerivative:
            // σ(x)(1 + x σ(−x)): σ(−x) rather than 1 − σ(x), which loses its digits for large x.
            return sigmoid(x) * (one + x * sigmoid(-x))
        case .geluTanh: return x * sigmoid(geluTanhArgument(x))
        case .geluTanhDerivative:
            // d/dx x σ(v) = σ(v) + x σ(v)(1 − σ(v)) v′ with v = 2u, v′ = 2√(2/π)(1 + 3 · 0.044715 x²).
            let v = geluTanhArgument(x)
            let slope = Lanes(repeating: 1.595_769_121_605_730_7) + x * x * Lanes(repeating: 0.214_064_448_817_800_76)
            let s = sigmoid(v)
            return s + x * s * sigmoid(-v) * slope
        case .geluErf: return x * normalCDF(x)
        case .geluErfDerivative:
            // Φ(x) + x φ(x), φ(x) = e^(−x²/2) / √(2π).
            let density = Lanes.exp(x * x * Lanes(repeating: -0.5)) * Lanes(repeating: 0.398_942_280_401_432_7)
            return normalCDF(x) + x * density
        }
    }

    /// The formula of a binary kernel on lanes.
    @inline(__always)
    static func apply<Lanes: MathLanes>(_ operation: BinaryKernel<T>, _ a: Lanes, _ b: Lanes) -> Lanes
    where Lanes.Element == T {
        let (zero, one) = (Lanes(repeating: 0), Lanes(repeating: 1))
        switch operation {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .addScaled(let factor): return a + b * Lanes(repeating: factor)
        case .addRelu: return Lanes.choosing(a + b, whereAboveZero: a + b, otherwise: zero)
        case .reluBackward: return Lanes.choosing(a, whereAboveZero: b, otherwise: zero)
        case .sigmoidBackward: return a * b * (one - b)
        case .tanhBackward: return a * (one - b * b)
        case .power:
            // e^(b log a): NaN for a < 0 (log's NaN); aᵇ = 1 for b = 0 whatever a is.
            return Lanes.choosing(one, where: b, equals: zero, otherwise: Lanes.exp(b * Lanes.log(a)))
        case .minimum: return propagatingNaN(of: b, Lanes.choosing(b, where: a, isGreaterThan: b, otherwise: a))
        case .maximum: return propagatingNaN(of: b, Lanes.choosing(b, where: b, isGreaterThan: a, otherwise: a))
        case .compare(.less): return Lanes.choosing(one, where: b, isGreaterThan: a, otherwise: zero)
        case .compare(.lessOrEqual): return Lanes.choosing(one, where: b, isAtLeast: a, otherwise: zero)
        case .compare(.greater): return Lanes.choosing(one, where: a, isGreaterThan: b, otherwise: zero)
        case .compare(.greaterOrEqual): return Lanes.choosing(one, where: a, isAtLeast: b, otherwise: zero)
        case .compare(.equal): return Lanes.choosing(one, where: a, equals: b, otherwise: zero)
        case .compare(.notEqual): return Lanes.choosing(zero, where: a, equals: b, otherwise: one)
        }
    }

    /// `result`, or `b` in the lanes where `b` is NaN (the choice made before lets NaN through
    /// from the other operand).
    @inline(__always)
    static func propagatingNaN<Lanes: MathLanes>(of b: Lanes, _ result: Lanes) -> Lanes where Lanes.Element == T {
        Lanes.choosing(result, where: b, equals: b, otherwise: b)
    }

    /// σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, from e = e^−|x|, which never
    /// overflows: small results keep their relative accuracy (down to subnormals).
    @inline(__always)
    static func sigmoid<Lanes: MathLanes>(_ x: Lanes) -> Lanes where Lanes.Element == T {
        let e = Lanes.exp(Lanes.choosing(x, whereAboveZero: -x, otherwise: -x))
        let r = Lanes(repeating: 1) / (Lanes(repeating: 1) + e)
        return Lanes.choosing(e * r, whereAboveZero: -x, otherwise: r)
    }

    /// 2u = 2√(2/π)(x + 0.044715 x³): GELU's tanh form is ½x(1 + tanh u) = x σ(2u), which
    /// never cancels for large negative x.
    @inline(__always)
    static func geluTanhArgument<Lanes: MathLanes>(_ x: Lanes) -> Lanes where Lanes.Element == T {
        x * (Lanes(repeating: 1.595_769_121_605_730_7) + x * x * Lanes(repeating: 0.071_354_816_272_600_25))
    }

    /// Φ(x) = ½ erfc(−x/√2), the standard normal distribution function: erfc keeps the relative
    /// accuracy of small Φ for negative x, where ½(1 + erf(x/√2)) would cancel.
    @inline(__always)
    static func normalCDF<Lanes: MathLanes>(_ x: Lanes) -> Lanes where Lanes.Element == T {
        Lanes(repeating: 0.5) * Lanes.erfc(x * Lanes(repeating: -0.707_106_781_186_547_5))
    }
}
