import Foundation
import Testing
import Autograd

/// log Σₖ e^{zₖ}, evaluated stably (the largest entry taken out first).
func logSumExp(_ z: [Double]) -> Double {
    let largest = z.max()!
    return largest + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - largest) })
}

/// softmax(z)ₖ = e^{zₖ} / Σⱼ e^{zⱼ} (seed 003 (3.13), with the summation index corrected).
func softmax(_ z: [Double]) -> [Double] {
    let normaliser = logSumExp(z)
    return z.map { Foundation.exp($0 - normaliser) }
}

/// The one-hot vector of `label` among `classes` (seed 003 (3.14)).
func oneHot(_ label: Int, classes: Int) -> [Double] { (0..<classes).map { $0 == label ? 1 : 0 } }

@Suite("Softmax and the fused softmax cross-entropy (seed 003 §3.4)")
struct SoftmaxCrossEntropyTests {
    static let logits = [[0.3, -1.2, 2.0, 0.5, -0.1], [1.5, 1.4, -2.2, 0.0, 0.9],
                         [-0.6, 0.2, 0.1, -2.5, 1.7], [2.8, -0.4, 0.6, 1.1, -1.9]]
    static let labels = [2, 0, 4, 1]

    @Test("the gradient of the mean cross-entropy with respect to the logits is (p − y)/N (seed 003 (3.46))")
    func gradientIsProbabilitiesMinusTargets() {
        let n = Double(Self.logits.count)
        let (loss, fused) = valueWithGradient(at: matrix(Self.logits)) { softmaxCrossEntropy(logits: $0, labels: Self.labels) }
        let expectedLoss = zip(Self.logits, Self.labels).reduce(0) { $0 + (logSumExp($1.0) - $1.0[$1.1]) / n }
        let expectedGradient = zip(Self.logits, Self.labels).map { z, label in
            difference(softmax(z), oneHot(label, classes: z.count)).map { $0 / n }
        }
        #expect(abs(loss.scalar - expectedLoss) < 1e-14)
        expectClose(fused, matrix(expectedGradient), "(p − y)/N")

        // The same gradient through the unfused path −(1/N) Σ y ∘ log-softmax(z).
        let targets = matrix(zip(Self.logits, Self.labels).map { oneHot($1, classes: $0.count) })
        let unfused = gradient(at: matrix(Self.logits)) { -($0.logSoftmax() * targets).sum() / n }
        expectClose(unfused, matrix(expectedGradient), "(p − y)/N through logSoftmax")
    }

    @Test("probability targets: logits get (p Σy − y)/N, which is (p − y)/N for distributions; targets get −log p/N")
    func probabilityTargets() {
        let n = Double(Self.logits.count)
        let distributions = [[0.1, 0.2, 0.3, 0.4, 0.0], [0.5, 0.5, 0, 0, 0], [0.2, 0.2, 0.2, 0.2, 0.2], [0, 0, 0, 0.9, 0.1]]
        let partial = distributions.map { $0.map { $0 * 0.5 } } // rows summing to ½
        for targets in [distributions, partial] {
            let (dz, dy) = gradient(at: matrix(Self.logits), matrix(targets)) { softmaxCrossEntropy(logits: $0, probabilities: $1) }
            let expectedLogits = zip(Self.logits, targets).map { z, y in
                let total = y.reduce(0, +)
                return difference(softmax(z).map { $0 * total }, y).map { $0 / n }
            }
            let expectedTargets = Self.logits.map { z in softmax(z).map { -Foundation.log($0) / n } }
            expectClose(dz, matrix(expectedLogits), "∂/∂logits for targets \(targets)")
            expectClose(dy, matrix(expectedTargets), "∂/∂targets")
        }
    }

    @Test("the softmax Jacobian is diag(p) − p pᵀ (seed 003 (3.49)), row by row and column by column")
    func softmaxJacobian() {
        let z = [0.3, -1.2, 2.0, 0.5]
        let p = softmax(z)
        // ∂pₖ/∂zⱼ = δₖⱼ pₖ − pₖ pⱼ.
        let expected = p.indices.map { k in p.indices.map { j in (k == j ? p[k] : 0) - p[k] * p[j] } }
        let f: ([Tensor<Double>]) -> Tensor<Double> = { $0[0].softmax() }
        expectClose(matrix(jacobianByRows(of: f, at: [Tensor(z)])), matrix(expected), "rows Jᵀeᵢ from pullbacks")
        expectClose(matrix(jacobianByColumns(of: f, at: [Tensor(z)])), matrix(expected), "columns J eⱼ from pushforwards")

        // log-softmax: ∂(log pₖ)/∂zⱼ = δₖⱼ − pⱼ.
        let logExpected = p.indices.map { k in p.indices.map { j in (k == j ? 1 : 0) - p[j] } }
        expectClose(matrix(jacobianByColumns(of: { $0[0].logSoftmax() }, at: [Tensor(z)])), matrix(logExpected), "log-softmax J")
    }

    /// Logits of ±1e4 (e^{1e4} overflows both types): the loss and its gradient stay finite and exact.
    func expectFiniteForLargeLogits<Scalar: TensorScalar>(_ scalar: Scalar.Type, sourceLocation: SourceLocation = #_sourceLocation) {
        let z = [[1e4, -1e4, 0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]]
        let labels = [1, 2, 0]
        let n = Double(z.count)
        // Row losses 2e4, 0 and log 2 (MATH.md §1.5; computed with the stable log-sum-exp).
        let expectedLoss = zip(z, labels).reduce(0) { $0 + (logSumExp($1.0) - $1.0[$1.1]) / n }
        let expectedGradient = zip(z, labels).flatMap { z, label in difference(softmax(z), oneHot(label, classes: 3)).map { $0 / n } }
        let logits = Tensor<Scalar>(Tensor(z.flatMap { $0 }, shape: [3, 3]))
        let targets = Tensor<Scalar>(matrix(zip(z, labels).map { oneHot($1, classes: $0.count) }))
        let results = [
            valueWithGradient(at: logits) { softmaxCrossEntropy(logits: $0, labels: labels) },
            valueWithGradient(at: logits) { softmaxCrossEntropy(logits: $0, probabilities: targets) },
        ]
        for (value, gradient) in results {
            #expect(value.isFinite && gradient.isFinite, "\(Scalar.self): loss \(value), gradient \(gradient)",
                    sourceLocation: sourceLocation)
            #expect(abs(Double(value.scalar) - expectedLoss) <= 1e-6 * expectedLoss, "\(Scalar.self) loss \(value)",
                    sourceLocation: sourceLocation)
            #expect(Tensor<Double>(gradient).isApproximatelyEqual(to: Tensor(expectedGradient, shape: [3, 3]), absoluteTolerance: 1e-7),
                    "\(Scalar.self) gradient \(gradient)", sourceLocation: sourceLocation)
        }
    }

    @Test("the fused loss is finite for logits of ±1e4 in Float and Double")
    func largeLogits() {
        expectFiniteForLargeLogits(Float.self)
        expectFiniteForLargeLogits(Double.self)
    }
}
