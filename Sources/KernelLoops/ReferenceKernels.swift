import KernelSupport

/// Plain loops for every kernel: the reference that faster kernels are tested against.
package enum ReferenceKernels<T: KernelScalar> {
    static func unary(_ operation: UnaryKernel<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .negate: for i in 0..<count { y[i] = -x[i] }
        case .exp: for i in 0..<count { y[i] = T.libraryExponential(x[i]) }
        case .log: for i in 0..<count { y[i] = T.libraryLogarithm(x[i]) }
        case .sigmoid: for i in 0..<count { y[i] = sigmoid(x[i]) }
        case .tanh: for i in 0..<count { y[i] = T.libraryHyperbolicTangent(x[i]) }
        case .relu: for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
        case .scale(let factor): for i in 0..<count { y[i] = factor * x[i] }
        case .leakyRelu(let slope): for i in 0..<count { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        case .leakyReluDerivative(let slope): for i in 0..<count { y[i] = x[i] > 0 ? 1 : slope }
        default: for i in 0..<count { y[i] = value(of: operation, x[i]) }
        }
    }

    /// The unary kernels of the general tensor API, one element at a time, from their textbook
    /// formulas and the C library.
    static func value(of operation: UnaryKernel<T>, _ x: T) -> T {
        let tanhScale: T = 0.797_884_560_802_865_4   // √(2/π)
        switch operation {
        case .squareRoot: return x.squareRoot()
        case .reciprocalSquareRoot: return 1 / x.squareRoot()
        case .absolute: return x.magnitude
        case .sign: return x > 0 ? 1 : x < 0 ? -1 : 0
        case .square: return x * x
        case .sine: return T.librarySine(x)
        case .cosine: return T.libraryCosine(x)
        case .power(let exponent): return exponent == 0 ? 1 : T.libraryPower(x, exponent)
        case .clamp(let lower, let upper): return x.isNaN ? x : Swift.min(Swift.max(x, lower), upper)
        case .clampDerivative(let lower, let upper): return lower <= x && x <= upper ? 1 : 0
        case .softplus: return Swift.max(x, 0) + T.libraryLogOnePlus(T.libraryExponential(-x.magnitude))
        case .silu: return x * sigmoid(x)
        case .siluDerivative: return sigmoid(x) * (1 + x * (1 - sigmoid(x)))
        case .geluTanh:
            let t = T.libraryHyperbolicTangent(tanhScale * (x + 0.044_715 * x * x * x))
            return x / 2 * (1 + t)
        case .geluTanhDerivative:
            let t = T.libraryHyperbolicTangent(tanhScale * (x + 0.044_715 * x * x * x))
            let inner: T = tanhScale * (1 + 3 * 0.044_715 * x * x)
            return (1 + t) / 2 + x / 2 * (1 - t * t) * inner
        case .geluErf: return x / 2 * T.libraryComplementaryErrorFunction(-x / T(2).squareRoot())
        case .geluErfDerivative:
            let density = T.libraryExponential(-x * x / 2) / (2 * T.pi).squareRoot()
            return T.libraryComplementaryErrorFunction(-x / T(2).squareRoot()) / 2 + x * density
        case .negate, .exp, .log, .sigmoid, .tanh, .relu, .scale, .leakyRelu, .leakyReluDerivative:
            preconditionFailure("\(operation) has its own loop")
        }
    }

    /// σ(x) = 1 / (1 + e^−x), evaluated so that neither branch overflows.
    @inline(__always)
    static func sigmoid(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.libraryExponential(-x)) }
        let e = T.libraryExponential(x)
        return e / (1 + e)
    }

    static func binary(_ operation: BinaryKernel<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                       _ y: UnsafeMutablePointer<T>, _ count: Int) {
        switch operation {
        case .add: for i in 0..<count { y[i] = a[i] + b[i] }
        case .subtract: for i in 0..<count { y[i] = a[i] - b[i] }
        case .multiply: for i in 0..<count { y[i] = a[i] * b[i] }
        case .divide: for i in 0..<count { y[i] = a[i] / b[i] }
        case .addScaled(let factor): for i in 0..<count { y[i] = a[i] + factor * b[i] }
        case .addRelu: for i in 0..<count { y[i] = a[i] + b[i] > 0 ? a[i] + b[i] : 0 }
        case .reluBackward: for i in 0..<count { y[i] = b[i] > 0 ? a[i] : 0 }
        case .sigmoidBackward: for i in 0..<count { y[i] = a[i] * b[i] * (1 - b[i]) }
        case .tanhBackward: for i in 0..<count { y[i] = a[i] * (1 - b[i] * b[i]) }
        case .power: for i in 0..<count { y[i] = b[i] == 0 ? 1 : a[i] < 0 ? .nan : T.libraryPower(a[i], b[i]) }
        case .minimum: for i in 0..<count { y[i] = b[i].isNaN ? b[i] : a[i] > b[i] ? b[i] : a[i] }
        case .maximum: for i in 0..<count { y[i] = b[i].isNaN ? b[i] : b[i] > a[i] ? b[i] : a[i] }
        case .compare(let comparison): for i in 0..<count { y[i] = holds(comparison, a[i], b[i]) ? 1 : 0 }
        }
    }

    /// Whether `a comparison b` holds.
    static func holds(_ comparison: Comparison, _ a: T, _ b: T) -> Bool {
        switch comparison {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        }
    }

    static func addBias(_ x: UnsafePointer<T>, _ bias: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                        rows: Int, columns: Int, rectify: Bool) {
        for row in 0..<rows {
            for column in 0..<columns {
                let sum = x[row * columns + column] + bias[column]
                y[row * columns + column] = rectify && !(sum > 0) ? 0 : sum
            }
        }
    }

    static func gemm(_ g: GemmOperands<T>) {
        for i in 0..<g.m {
            for j in 0..<g.n {
                var sum: T = 0
                for p in 0..<g.k {
                    let a = g.transposeA ? g.a[p * g.lda + i] : g.a[i * g.lda + p]
                    let b = g.transposeB ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]
                    sum += a * b
                }
                g.c[i * g.ldc + j] = g.accumulate ? g.c[i * g.ldc + j] + sum : sum
            }
        }
    }

    /// Strides of `source` aligned to the axes of `target`, 0 along broadcast axes.
    static func broadcastStrides(_ source: [Int], _ target: [Int]) -> [Int] {
        let sourceStrides = source.strides
        let offset = target.count - source.count
        return (0..<target.count).map { axis in
            axis < offset || source[axis - offset] == 1 ? 0 : sourceStrides[axis - offset]
        }
    }

    /// Calls `body(targetOffset, sourceOffset)` for every element of `target` in row-major order.
    static func forEachElement(of target: [Int], sourceStrides: [Int], _ body: (Int, Int) -> Void) {
        var targetOffset = 0
        target.forEachOffset(strides: sourceStrides) { sourceOffset in
            body(targetOffset, sourceOffset)
            targetOffset += 1
        }
    }

    static func broadcast(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        forEachElement(of: target, sourceStrides: broadcastStrides(source, target)) { t, s in y[t] = x[s] }
    }

    static func reduceSum(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        y.initialize(repeating: 0, count: target.elementCount)
        forEachElement(of: source, sourceStrides: broadcastStrides(target, source)) { s, t in y[t] += x[s] }
    }

    static func transpose(_ x: UnsafePointer<T>, _ source: [Int], _ permutation: [Int], _ y: UnsafeMutablePointer<T>) {
        let sourceStrides = source.strides
        let target = permutation.map { source[$0] }
        forEachElement(of: target, sourceStrides: permutation.map { sourceStrides[$0] }) { t, s in y[t] = x[s] }
    }

    static func softmax(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ layout: AxisLayout, _ logarithmic: Bool) {
        let (size, inner) = (layout.size, layout.inner)
        for outer in 0..<layout.outer {
            for position in 0..<inner {
                let base = outer * size * inner + position
                var largest = -T.infinity
                for i in 0..<size { largest = Swift.max(largest, x[base + i * inner]) }
                guard largest > -T.infinity else { // masked whole (zeros), or NaN and −∞ (NaN)
                    let hasNaN = (0..<size).contains { x[base + $0 * inner].isNaN }
                    for i in 0..<size { y[base + i * inner] = hasNaN ? .nan : logarithmic ? -T.infinity : 0 }
                    continue
                }
                var total: T = 0
                for i in 0..<size { total += T.libraryExponential(x[base + i * inner] - largest) }
                if logarithmic {
                    let logTotal = T.libraryLogarithm(total) + largest
                    for i in 0..<size { y[base + i * inner] = x[base + i * inner] - logTotal }
                } else {
                    for i in 0..<size { y[base + i * inner] = T.libraryExponential(x[base + i * inner] - largest) / total }
                }
            }
        }
    }

    /// The causal softmax (``KernelTable/CausalSoftmax``) row by row with ``softmax(_:_:_:_:)``.
    static func causalSoftmax(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ rows: Int, _ size: Int) {
        for row in 0..<rows {
            let (kept, start) = (row % size + 1, row * size)
            softmax(x + start, y + start, AxisLayout(outer: 1, size: kept, inner: 1), false)
            for i in kept..<size { y[start + i] = 0 }
        }
    }

    static func crossEntropy(_ logits: UnsafePointer<T>, _ targets: UnsafePointer<T>, _ rows: Int, _ classes: Int) -> T {
        var total: T = 0
        for row in 0..<rows {
            let (z, y) = (logits + row * classes, targets + row * classes)
            var largest = -T.infinity
            for k in 0..<classes { largest = Swift.max(largest, z[k]) }
            var sum: T = 0
            for k in 0..<classes { sum += T.libraryExponential(z[k] - largest) }
            let logSum = T.libraryLogarithm(sum) + largest
            for k in 0..<classes where y[k] != 0 { total -= y[k] * (z[k] - logSum) }
        }
        return total
    }

    static func squaredDistance(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ count: Int) -> T {
        var total: T = 0
        for i in 0..<count { total += (a[i] - b[i]) * (a[i] - b[i]) }
        return total
    }
}
