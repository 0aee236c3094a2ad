import Foundation
import Testing
import Autograd

// Seed 002's calculus examples (MATH.md §1.13), seed 002's ReLU neuron (§1.14, corrected) and
// seed 003's logistic regression (§1.4, §1.6), each against its closed form.

/// cos t as its Taylor polynomial Σₖ₌₀¹⁵ (−1)ᵏ t²ᵏ/(2k)!, built from the tape's multiply and add
/// (there is no cos primitive). For |t| ≤ 2 the truncation error is below 1e-23, so the
/// polynomial and its derivative equal cos and −sin to rounding.
func cosine(_ t: Tensor<Double>) -> Tensor<Double> { taylorSeries(t * t, offset: 0) }

/// sin t = t Σₖ₌₀¹⁵ (−1)ᵏ t²ᵏ/(2k+1)!, as ``cosine(_:)``.
func sine(_ t: Tensor<Double>) -> Tensor<Double> { t * taylorSeries(t * t, offset: 1) }

/// Σₖ₌₀¹⁵ (−1)ᵏ sᵏ/(2k + offset)! by Horner's rule.
private func taylorSeries(_ s: Tensor<Double>, offset: Int) -> Tensor<Double> {
    let coefficients = (0...15).map { k in
        (0..<(2 * k + offset)).reduce(k.isMultiple(of: 2) ? 1.0 : -1.0) { $0 / Double($1 + 1) }
    }
    return coefficients.dropLast().reversed().reduce(Tensor(repeating: coefficients.last!, shape: s.shape)) { $0 * s + $1 }
}

@Suite("Seed calculus examples, the ReLU neuron and logistic regression")
struct SeedCalculusTests {
    @Test("the Taylor cosine and sine used below agree with Foundation's")
    func taylorSeriesAreAccurate() {
        let t = Tensor<Double>([-2, -1.3, -0.2, 0, 0.6, 1.26, 2])
        expectClose(cosine(t), Tensor(t.scalars.map { Foundation.cos($0) }), "cos", tolerance: 1e-15)
        expectClose(sine(t), Tensor(t.scalars.map { Foundation.sin($0) }), "sin", tolerance: 1e-15)
    }

    @Test("f(x, y) = x² + cos y has gradient (2x, −sin y) (seed 002 l.29–43)")
    func gradientOfTwoVariables() {
        let (x, y) = (Tensor<Double>(0.7), Tensor<Double>(1.3))
        let (dx, dy) = gradient(at: x, y) { x, y in x * x + cosine(y) }
        #expect(abs(dx.scalar - 2 * 0.7) < 1e-14)
        #expect(abs(dy.scalar + Foundation.sin(1.3)) < 1e-14)
    }

    @Test("f(x, y) = (2x + y³, e^y − 13x) has Jacobian [[2, 3y²], [−13, e^y]] (seed 002 l.45–63)")
    func jacobianOfTwoOutputs() {
        let (x, y) = (0.4, -0.8)
        // The two outputs stacked into a vector by multiplying with the unit vectors.
        func f(_ v: [Tensor<Double>]) -> Tensor<Double> {
            let (x, y) = (v[0], v[1])
            return (2 * x + y * y * y) * Tensor([1, 0]) + (y.exp() - 13 * x) * Tensor([0, 1])
        }
        let expected = [[2, 3 * y * y], [-13, Foundation.exp(y)]]
        let inputs = [Tensor(x), Tensor(y)]
        expectClose(matrix(jacobianByRows(of: f, at: inputs)), matrix(expected), "J by pullbacks")
        expectClose(matrix(jacobianByColumns(of: f, at: inputs)), matrix(expected), "J by pushforwards")
    }

    @Test("f(x) = sin(x²) has derivative 2x cos(x²) by the chain rule (seed 002 l.65–83)")
    func chainRuleOfOneVariable() {
        let x = Tensor<Double>([-1.2, -0.3, 0.5, 1.1])
        let derivative = gradient(at: x) { sine($0 * $0).sum() }
        expectClose(derivative, Tensor(x.scalars.map { 2 * $0 * Foundation.cos($0 * $0) }), "2x cos(x²)", tolerance: 1e-14)
    }

    @Test("f(a, b) = (sin(a² + b), ln b³): ∂f/∂(a, b) = (∂f/∂g)(∂g/∂(a, b)) = [[2a cos(a² + b), cos(a² + b)], [0, 3/b]]")
    func chainRuleOfAVectorFunction() {
        let (a, b) = (0.6, 0.9)
        let (e1, e2) = (Tensor<Double>([1, 0]), Tensor<Double>([0, 1]))
        let g: ([Tensor<Double>]) -> Tensor<Double> = { v in (v[0] * v[0] + v[1]) * e1 + (v[1] * v[1] * v[1]) * e2 }
        let outer: ([Tensor<Double>]) -> Tensor<Double> = { v in sine(v[0]) * e1 + v[1].log() * e2 }
        let composite: ([Tensor<Double>]) -> Tensor<Double> = { v in
            let gv = g(v)
            return outer([(gv * e1).sum(), (gv * e2).sum()])
        }
        let closedForm = [[2 * a * Foundation.cos(a * a + b), Foundation.cos(a * a + b)], [0, 3 / b]]
        let inputs = [Tensor(a), Tensor(b)]
        expectClose(matrix(jacobianByRows(of: composite, at: inputs)), matrix(closedForm), "∂f/∂(a, b) by pullbacks", tolerance: 1e-14)
        expectClose(matrix(jacobianByColumns(of: composite, at: inputs)), matrix(closedForm), "∂f/∂(a, b) by pushforwards",
                    tolerance: 1e-14)
        // The seed's factors: ∂g/∂(a, b) = [[2a, 1], [0, 3b²]] and ∂f/∂g = diag(cos g₁, 1/g₂).
        let (g1, g2) = (a * a + b, b * b * b)
        let innerJacobian = jacobianByRows(of: g, at: inputs)
        let outerJacobian = jacobianByRows(of: outer, at: [Tensor(g1), Tensor(g2)])
        expectClose(matrix(innerJacobian), matrix([[2 * a, 1], [0, 3 * b * b]]), "∂g/∂(a, b)")
        expectClose(matrix(outerJacobian), matrix([[Foundation.cos(g1), 0], [0, 1 / g2]]), "∂f/∂g", tolerance: 1e-14)
        expectClose(matrix(product(outerJacobian, innerJacobian)), matrix(closedForm), "(∂f/∂g)(∂g/∂(a, b))", tolerance: 1e-14)
    }

    @Test("a ReLU neuron with C = 1/(2m) Σ (y − a)²: the corrected gradients of seed 002 (MATH.md §1.14)")
    func reluNeuron() {
        let (w, b) = ([0.8, -0.5], 0.1)
        let points = [[1.0, 0.4], [0.5, 1.2], [-0.3, -1.0]]
        let targets = [0.3, 0.5, 1.2]
        let m = Double(points.count)
        let z = points.map { zip($0, w).reduce(b) { $0 + $1.0 * $1.1 } }
        #expect(z[0] > 0 && z[1] <= 0 && z[2] > 0, "the data must put one point on the flat side: z = \(z)")

        let (dw, db) = gradient(at: Tensor(w, shape: [2, 1]), Tensor(b)) { w, b in
            quadraticCost((matmul(matrix(points), w) + b).relu(), Tensor(targets, shape: [3, 1])) / m
        }
        // ∂C/∂w = (1/m) Σᵢ 1[zᵢ > 0](zᵢ − yᵢ) xᵢ and ∂C/∂b = (1/m) Σᵢ 1[zᵢ > 0](zᵢ − yᵢ).
        let error = zip(z, targets).map { $0 > 0 ? ($0 - $1) / m : 0 }
        let weightGradient = (0..<2).map { k in zip(error, points).reduce(0) { $0 + $1.0 * $1.1[k] } }
        let biasGradient = error.reduce(0, +)
        expectClose(dw, Tensor(weightGradient, shape: [2, 1]), "∂C/∂w")
        #expect(abs(db.scalar - biasGradient) < 1e-15)

        // The seed's printed forms differ from the tape, so this test tells them apart: the bias
        // formula with the factor −1 applied twice (l.620), and the indicator outside the sum (l.478).
        #expect(abs(db.scalar - -biasGradient) > 1e-3)
        let indicatorOutside = (0..<2).map { k in zip(zip(z, targets), points).reduce(0) { $0 + ($1.0.0 - $1.0.1) * $1.1[k] / m } }
        #expect(!dw.isApproximatelyEqual(to: Tensor(indicatorOutside, shape: [2, 1]), absoluteTolerance: 1e-3))

        // At z = 0 exactly the derivative is ReLU′(0) = 0 (seeds 002, 000, 004).
        let (dwAtKink, dbAtKink) = gradient(at: Tensor([0.5, -0.25], shape: [2, 1]), Tensor(0.0)) { w, b in
            quadraticCost((matmul(Tensor([1, 2], shape: [1, 2]), w) + b).relu(), Tensor([0.7], shape: [1, 1]))
        }
        #expect(dwAtKink.scalars == [0, 0] && dbAtKink.scalar == 0)
    }

    @Test("logistic regression is two-class softmax: softmax(−z, 0) = (1 − σ(z), σ(z)) (seed 003 (3.23))")
    func logisticRegressionAsSoftmax() {
        let z = [-3.0, -0.4, 0, 0.7, 2.5]
        let probabilities = matrix(z.map { [-$0, 0] }).softmax()
        expectClose(probabilities, matrix(z.map { [1 - sigmoid($0), sigmoid($0)] }), "softmax(−z, 0)", tolerance: 1e-15)
        // MATH.md §1.4 [COMPUTED]: z = 0.7 gives (0.3318122, 0.6681878).
        #expect(abs(probabilities[3, 0] - 0.3318122) < 1e-7 && abs(probabilities[3, 1] - 0.6681878) < 1e-7)
    }

    @Test("logistic regression: ∂ℓ/∂w = (σ(z) − y) x and ∂ℓ/∂b = σ(z) − y, averaged over a batch")
    func logisticRegressionGradient() {
        let points = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.2], [-0.7, 0.8, 0.1], [0.2, 0.2, -1.4]]
        let labels = [1, 0, 0, 1]
        let (w, b) = ([0.3, -0.6, 0.25], -0.1)
        let n = Double(points.count)
        let z = points.map { zip($0, w).reduce(b) { $0 + $1.0 * $1.1 } }
        let residual = zip(z, labels).map { sigmoid($0) - Double($1) }
        let expectedW = Tensor((0..<3).map { k in zip(residual, points).reduce(0) { $0 + $1.0 * $1.1[k] } / n }, shape: [3, 1])
        let expectedB = residual.reduce(0, +) / n
        let expectedLoss = zip(z, labels).reduce(0) { sum, pair in
            let p = sigmoid(pair.0), y = Double(pair.1)
            return sum - (y * Foundation.log(p) + (1 - y) * Foundation.log(1 - p)) / n
        }
        let x = matrix(points)
        let parameters = [Tensor(w, shape: [3, 1]), Tensor(b)]
        // As a softmax over the logits (−z, 0): class 1 has probability σ(z).
        let softmaxForm = valueWithGradient(at: parameters) { p in
            let z = matmul(x, p[0]) + p[1]
            return softmaxCrossEntropy(logits: matmul(z, Tensor([-1, 0], shape: [1, 2])), labels: labels)
        }
        // As the binary cross-entropy ℓ(y, σ(z)) = −y ln σ(z) − (1 − y) ln(1 − σ(z)) (seed 003 (2.9)).
        let y = Tensor(labels.map(Double.init), shape: [4, 1])
        let binaryForm = valueWithGradient(at: parameters) { p in
            let a = (matmul(x, p[0]) + p[1]).sigmoid()
            return -(y * a.log() + (1 - y) * (1 - a).log()).mean()
        }
        for (name, result) in [("softmax", softmaxForm), ("binary", binaryForm)] {
            #expect(abs(result.value.scalar - expectedLoss) < 1e-14, "\(name) loss")
            expectClose(result.gradient[0], expectedW, "\(name): ∂ℓ/∂w = mean of (σ(z) − y) x")
            #expect(abs(result.gradient[1].scalar - expectedB) < 1e-15, "\(name): ∂ℓ/∂b")
        }
    }
}
