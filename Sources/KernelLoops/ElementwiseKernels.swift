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
        case .reluBackward: map(.reluBackward, a, b, y, count)
        case .sigmoidBackward: map(.sigmoidBackward, a, b, y, count)
        case .tanhBackward: map(.tanhBackward, a, b, y, count)
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
    static func apply<Lanes: ElementwiseLanes>(_ operation: UnaryKernel<T>, _ x: Lanes) -> Lanes where Lanes.Element == T {
        switch operation {
        // −0 − x, not −x: the standard library's SIMD negation is 0 − x, which turns +0 into +0
        // (and a vector lane would then differ from the scalar tail's −0).
        case .negate: Lanes(repeating: -T.zero) - x
        case .exp: Lanes.exp(x)
        case .log: Lanes.log(x)
        case .sigmoid: sigmoid(x)
        case .tanh: Lanes.tanh(x)
        case .relu: Lanes.choosing(x, whereAboveZero: x, otherwise: Lanes(repeating: 0))
        case .scale(let factor): x * Lanes(repeating: factor)
        case .leakyRelu(let slope): Lanes.choosing(x, whereAboveZero: x, otherwise: x * Lanes(repeating: slope))
        case .leakyReluDerivative(let slope): Lanes.choosing(Lanes(repeating: 1), whereAboveZero: x, otherwise: Lanes(repeating: slope))
        }
    }

    /// The formula of a binary kernel on lanes.
    @inline(__always)
    static func apply<Lanes: ElementwiseLanes>(_ operation: BinaryKernel<T>, _ a: Lanes, _ b: Lanes) -> Lanes
    where Lanes.Element == T {
        switch operation {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .addScaled(let factor): a + b * Lanes(repeating: factor)
        case .reluBackward: Lanes.choosing(a, whereAboveZero: b, otherwise: Lanes(repeating: 0))
        case .sigmoidBackward: a * b * (Lanes(repeating: 1) - b)
        case .tanhBackward: a * (Lanes(repeating: 1) - b * b)
        }
    }

    /// σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, from e = e^−|x|, which never
    /// overflows: small results keep their relative accuracy (down to subnormals).
    @inline(__always)
    static func sigmoid<Lanes: ElementwiseLanes>(_ x: Lanes) -> Lanes where Lanes.Element == T {
        let e = Lanes.exp(Lanes.choosing(x, whereAboveZero: -x, otherwise: -x))
        let r = Lanes(repeating: 1) / (Lanes(repeating: 1) + e)
        return Lanes.choosing(e * r, whereAboveZero: -x, otherwise: r)
    }
}
