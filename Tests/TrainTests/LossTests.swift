import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Losses")
struct LossTests {
    @Test("quadratic cost: the batch mean of ½‖y − a‖², the seeds' scaled cost Σ‖y − a‖², gradient (a − y)/N")
    func quadratic() {
        let a = Tensor<Double>([0.2, 0.9, 0.6, 0.1], shape: [2, 2])
        let y = Tensor<Double>([0, 1, 1, 0], shape: [2, 2])
        // ½(0.04 + 0.01) = 0.025 and ½(0.16 + 0.01) = 0.085.
        #expect(abs(meanQuadraticCost(a, y).scalar - 0.055) < 1e-15)
        #expect(abs(scaledQuadraticCost(a, y).scalar - 0.22) < 1e-15)
        let gradient = Autograd.gradient(at: a) { meanQuadraticCost($0, y) }
        #expect(gradient.isApproximatelyEqual(to: (a - y) / 2, absoluteTolerance: 1e-15))
        #expect(abs(Loss<Double>.meanQuadraticCost(a, .labels(Tensor([1, 0]))).scalar - 0.055) < 1e-15, "labels become one-hot rows")
    }

    /// −[y ln σ(z) + (1 − y) ln(1 − σ(z))] in plain Double, with ln σ(z) = −ln(1 + e^−z).
    static func reference(_ z: Double, _ y: Double) -> Double {
        let logSigmoid = -log1p(exp(-z)), logOneMinus = -log1p(exp(z))
        return -(y * logSigmoid + (1 - y) * logOneMinus)
    }

    @Test("binary cross-entropy from logits: the mean of the seed 003 (2.9) loss, finite for huge logits")
    func binary() {
        let z = Tensor<Double>([0.3, -1.2, 2.5, 0.0])
        let y = Tensor<Double>([1, 0, 0, 1])
        let expected = zip(z.scalars, y.scalars).map(Self.reference).reduce(0, +) / 4
        #expect(abs(binaryCrossEntropy(logits: z, targets: y).scalar - expected) < 1e-14)
        #expect(abs(binaryCrossEntropy(logits: z, labels: Tensor([1, 0, 0, 1])).scalar - expected) < 1e-14)
        // Gradient (σ(z) − y)/N.
        let gradient = Autograd.gradient(at: z) { binaryCrossEntropy(logits: $0, targets: y) }
        let sigma = z.scalars.map { 1 / (1 + exp(-$0)) }
        for (g, (s, t)) in zip(gradient.scalars, zip(sigma, y.scalars)) { #expect(abs(g - (s - t) / 4) < 1e-15) }
        // 1000 with label 0 costs 1000; −1000 with label 0 costs nothing; both stay finite in Float.
        let huge = binaryCrossEntropy(logits: Tensor<Float>([1000, -1000], shape: [2, 1]), targets: Tensor([0, 0], shape: [2, 1]))
        #expect(huge.scalar == 500)
    }

    @Test("the L2 penalty (λ/N)Σ‖W‖²_F leaves biases out; its gradient is (2λ/N)W")
    func penalty() {
        let dense = Dense<Double>(weight: Tensor([1, -2, 3, 0.5, 0, 1], shape: [2, 3]), bias: Tensor([4, 5]))
        let (value, gradient) = dense.valueWithGradient { model in l2Penalty(of: model, lambda: 0.3, exampleCount: 10) }
        // Σ W² = 1 + 4 + 9 + 0.25 + 0 + 1 = 15.25.
        #expect(abs(value.scalar - 0.03 * 15.25) < 1e-15)
        #expect(gradient[0].isApproximatelyEqual(to: dense.weight * 0.06, absoluteTolerance: 1e-15))
        #expect(gradient[1].scalars == [0, 0])
    }

    @Test("predicted classes: the largest output, or a single output above the loss's threshold")
    func predictions() {
        #expect(Loss<Float>.binaryCrossEntropy.predictedClasses(Tensor([-0.1, 0.2, 0, 3])) == [0, 1, 0, 1])
        #expect(Loss<Float>.meanQuadraticCost.predictedClasses(Tensor([0.4, 0.6], shape: [2, 1])) == [0, 1])
        #expect(Loss<Float>.softmaxCrossEntropy.predictedClasses(Tensor([1, 3, 2, 0, 5, 4], shape: [2, 3])) == [1, 1])
        #expect(Targets<Float>.values(Tensor([0.9, 0.1, 0.2, 0.8], shape: [2, 2])).classLabels == [0, 1])
        #expect(Targets<Float>.values(Tensor([0.7, 0.2])).classLabels == [1, 0])
    }
}
