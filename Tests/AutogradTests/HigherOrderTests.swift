import Testing
@testable import Autograd

@Suite("Derivatives of derivatives")
struct HigherOrderTests {
    /// The loss of a small sigmoid/tanh/softmax MLP with broadcast biases, as a function of its
    /// flattened first-layer weights.
    static func loss(_ w: Tensor<Double>) -> Tensor<Double> {
        let x = randomTensor([4, 3], seed: 11)
        let w2 = randomTensor([2, 5], seed: 12)
        let b1 = randomTensor([5], seed: 13)
        let hidden = (matmul(x, w, transposeB: true) + b1).sigmoid().tanh()
        let logits = matmul(hidden, w2, transposeB: true)
        return softmaxCrossEntropy(logits: logits, labels: [0, 1, 1, 0]) + (w * w).mean().exp()
    }

    @Test("Hessian-vector product of an MLP loss matches finite differences of gradients")
    func hessianVectorProduct() {
        let w = randomTensor([5, 3], seed: 21)
        let v = randomTensor([5, 3], seed: 22)
        let hv = gradient(at: w) { w in
            (gradient(at: w, of: Self.loss) * v).sum()
        }
        let h = 1e-5
        let plus = gradient(at: w + v * h, of: Self.loss)
        let minus = gradient(at: w - v * h, of: Self.loss)
        let reference = (plus - minus) / (2 * h)
        #expect(hv.isApproximatelyEqual(to: reference, absoluteTolerance: 1e-7, relativeTolerance: 1e-5),
                "Hv \(hv)\nreference \(reference)")
        #expect(hv.scalars.contains { abs($0) > 1e-3 }, "the Hessian-vector product must not vanish")
    }

    @Test("second derivative of a scalar function through element-wise primitives")
    func secondDerivative() {
        // f(x) = x³ e^x / (1 + x²); f″ computed by hand below.
        func f(_ x: Tensor<Double>) -> Tensor<Double> { (x * x * x * x.exp() / (1 + x * x)).sum() }
        let x = Tensor<Double>([0.3, -0.7, 1.2])
        let second = gradient(at: x) { x in gradient(at: x, of: f).sum() }
        let reference = x.scalars.map { x -> Double in
            let h = 1e-4
            func fp(_ x: Double) -> Double {
                let g = x * x * x * Foundation.exp(x), d = 1 + x * x
                let gp = (3 * x * x + x * x * x) * Foundation.exp(x)
                return (gp * d - g * 2 * x) / (d * d)
            }
            return (fp(x + h) - fp(x - h)) / (2 * h)
        }
        for (a, b) in zip(second.scalars, reference) { #expect(abs(a - b) < 1e-6, "\(a) vs \(b)") }
    }
}
import Foundation
