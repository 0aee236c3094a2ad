import KernelSupport

/// The loops of the training code: optimiser updates, norms, finiteness checks and
/// classification ranks (the `update`, `sumOfSquares`, `allFinite` and `rank` table entries).
/// The updates are element loops that the compiler vectorises; the two reductions run on eight
/// lanes at a time (so they add in another order than a scalar loop would).
enum TrainingLoops<T: VectorKernelScalar> {
    typealias Vector = SIMD8<T>

    /// Lanes i ..< i + n of `x` (n ≤ 8), the others zero.
    @inline(__always)
    static func load(_ x: UnsafePointer<T>, _ i: Int, _ n: Int) -> Vector {
        if n == Vector.scalarCount { return UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self) }
        var vector = Vector()
        for lane in 0..<n { vector[lane] = x[i + lane] }
        return vector
    }

    /// Consecutive chunks (i, n) of n ≤ 8 elements covering 0..<count. (A sequence rather than a
    /// function taking the loop body as a closure: the optimiser does not inline such closures.)
    static func chunks(_ count: Int) -> some Sequence<(Int, Int)> {
        stride(from: 0, to: count, by: Vector.scalarCount).lazy.map { ($0, min(Vector.scalarCount, count - $0)) }
    }

    /// Plain loops over elements, which the compiler vectorises (√ and ÷ included) once
    /// specialised; the generic `SIMD8<T>` operations of the other loops would run lane by lane
    /// here (`squareRoot()` in particular).
    static func update(_ rule: UpdateRule<T>, _ p: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>,
                       _ first: UnsafeMutablePointer<T>?, _ second: UnsafeMutablePointer<T>?, _ count: Int) {
        let (eta, decay, shrink) = (rule.learningRate, rule.coupledDecay, rule.shrink)
        switch rule.kind {
        case .sgd:
            for i in 0..<count {
                let gradient = g[i] + decay * p[i]
                p[i] = shrink * p[i] - eta * gradient
            }
        case .momentum(let mu):
            let v = first!
            for i in 0..<count {
                let velocity = mu * v[i] + (g[i] + decay * p[i])
                v[i] = velocity
                p[i] = shrink * p[i] - eta * velocity
            }
        case let .adam(beta1, beta2, epsilon, correction1, correction2):
            let (m, v) = (first!, second!)
            let (keep1, keep2) = (1 - beta1, 1 - beta2)
            for i in 0..<count {
                let gradient = g[i] + decay * p[i]
                let mean = beta1 * m[i] + keep1 * gradient
                let variance = beta2 * v[i] + keep2 * gradient * gradient
                m[i] = mean
                v[i] = variance
                p[i] = shrink * p[i] - eta * ((mean * correction1) / ((variance * correction2).squareRoot() + epsilon))
            }
        }
    }

    static func sumOfSquares(_ x: UnsafePointer<T>, _ count: Int) -> Double {
        var total = SIMD8<Double>()
        for (i, n) in chunks(count) {
            let value = SIMD8<Double>(load(x, i, n))
            total += value * value
        }
        return total.sum()
    }

    static func allFinite(_ x: UnsafePointer<T>, _ count: Int) -> Bool {
        // x − x is 0 for finite x and NaN for NaN and ±∞; a sum of them is NaN iff one is.
        var probe = Vector()
        for (i, n) in chunks(count) {
            let value = load(x, i, n)
            probe += value - value
        }
        return probe.sum() == 0
    }

    static func rank(_ scores: UnsafePointer<T>, _ rows: Int, _ classes: Int, _ labels: UnsafePointer<Int>?,
                     _ predictions: UnsafeMutablePointer<Int>, _ ranks: UnsafeMutablePointer<Int>?) {
        for row in 0..<rows {
            let z = scores + row * classes
            var best = 0
            for k in 1..<max(classes, 1) where z[k] > z[best] || (z[best].isNaN && !z[k].isNaN) { best = k }
            predictions[row] = best
            guard let labels, let ranks else { continue }
            let label = labels[row]
            let target = z[label]
            guard !target.isNaN else {
                ranks[row] = classes
                continue
            }
            // Classes ahead of the label: a larger score, or an equal score at a smaller index
            // (the same tie rule as the prediction, so rank 0 ⟺ prediction == label).
            var ahead = 0
            for k in 0..<classes where z[k] > target || (z[k] == target && k < label) { ahead += 1 }
            ranks[row] = ahead
        }
    }
}
