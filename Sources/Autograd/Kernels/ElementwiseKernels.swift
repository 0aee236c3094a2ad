/// Vectorised element-wise kernels: the `unary` and `binary` table entries.
///
/// Each walks its arrays one `Vector` at a time; the last partial vector is computed on a
/// zero-padded copy, so every element goes through the same instructions wherever it sits.
/// Large arrays are split into contiguous chunks across ``ComputeThreads/current`` threads
/// (element-wise results cannot depend on the split); small ones run directly, without building
/// the closure a fork/join needs (the netbp step is dozens of 2-element operations).
enum ElementwiseKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    /// Arrays shorter than this stay on the calling thread (about 20 µs of work).
    static var parallelCount: Int { 1 << 16 }

    static func unary(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let threads = count >= parallelCount ? ComputeThreads.current : 1
        guard threads > 1 else { return unaryChunk(operation, x, y, count) }
        let pointers = Unchecked((x, y))
        WorkerPool.shared.runChunks(of: count, granularity: Vector.scalarCount, threads: threads) { range in
            let (x, y) = pointers.value
            unaryChunk(operation, x + range.lowerBound, y + range.lowerBound, range.count)
        }
    }

    static func binary(_ operation: BinaryKernel, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                       _ y: UnsafeMutablePointer<T>, _ count: Int) {
        let threads = count >= parallelCount ? ComputeThreads.current : 1
        guard threads > 1 else { return binaryChunk(operation, a, b, y, count) }
        let pointers = Unchecked((a, b, y))
        WorkerPool.shared.runChunks(of: count, granularity: Vector.scalarCount, threads: threads) { range in
            let (a, b, y) = pointers.value
            binaryChunk(operation, a + range.lowerBound, b + range.lowerBound, y + range.lowerBound, range.count)
        }
    }

    static func unaryChunk(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .negate: map(x, y, count) { -$0 }
        case .exp: map(x, y, count) { T.exponential($0) }
        case .log: map(x, y, count) { T.logarithm($0) }
        case .sigmoid: map(x, y, count, sigmoid)
        case .tanh: map(x, y, count) { T.hyperbolicTangent($0) }
        case .relu: map(x, y, count) { T.choosing($0, whereAboveZero: $0, otherwise: .zero) }
        case .scale(let factor): map(x, y, count) { $0 * factor }
        case .leakyRelu(let slope): map(x, y, count) { T.choosing($0, whereAboveZero: $0, otherwise: $0 * slope) }
        case .leakyReluDerivative(let slope):
            map(x, y, count) { T.choosing(Vector(repeating: 1), whereAboveZero: $0, otherwise: Vector(repeating: slope)) }
        }
    }

    static func binaryChunk(_ operation: BinaryKernel, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                            _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .add: map(a, b, y, count, +)
        case .subtract: map(a, b, y, count, -)
        case .multiply: map(a, b, y, count, *)
        case .divide: map(a, b, y, count, /)
        case .reluBackward: map(a, b, y, count) { T.choosing($0, whereAboveZero: $1, otherwise: .zero) }
        }
    }

    /// σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, from e = e^−|x|, which never
    /// overflows: small results keep their relative accuracy (down to subnormals).
    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector {
        let e = T.exponential(T.choosing(x, whereAboveZero: -x, otherwise: -x))
        let r = 1 / (1 + e)
        return T.choosing(e * r, whereAboveZero: -x, otherwise: r)
    }

    /// `y[i] = transform(x[i])`, a vector at a time.
    @inline(__always)
    static func map(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int, _ transform: (Vector) -> Vector) {
        let width = Vector.scalarCount
        var i = 0
        while i + width <= count {
            (y + i).storeVector(transform((x + i).loadVector()))
            i += width
        }
        if i < count { (y + i).storeVector(transform((x + i).loadVector(count: count - i)), count: count - i) }
    }

    /// `y[i] = combine(a[i], b[i])`, a vector at a time.
    @inline(__always)
    static func map(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int,
                    _ combine: (Vector, Vector) -> Vector) {
        let width = Vector.scalarCount
        var i = 0
        while i + width <= count {
            (y + i).storeVector(combine((a + i).loadVector(), (b + i).loadVector()))
            i += width
        }
        guard i < count else { return }
        let result = combine((a + i).loadVector(count: count - i), (b + i).loadVector(count: count - i))
        (y + i).storeVector(result, count: count - i)
    }
}
