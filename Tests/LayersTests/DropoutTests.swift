import Autograd
import Layers
import Testing

@Suite("Dropout")
struct DropoutTests {
    @Test("inference mode is the identity")
    func inferenceIsIdentity() {
        let x = seededTensor([8, 16], seed: 1)
        let dropout = Dropout<Double>(rate: 0.5)
        var context = ForwardContext.inference
        #expect(dropout(x, context: &context) == x)
        #expect(dropout(x) == x)
        #expect(context == .inference, "inference must not draw random numbers")
    }

    @Test("training mode keeps the expected value: entries are 0 or x/(1 − p)", arguments: [0.15, 0.35, 0.5])
    func trainingKeepsExpectation(rate: Double) {
        let x = seededTensor([200, 500], seed: 2, awayFromZero: 0.1)
        var context = ForwardContext.training(seed: 9)
        let y = Dropout<Double>(rate: rate)(x, context: &context)
        let n = Double(x.elementCount)
        let ratios = zip(y.scalars, x.scalars).map { $0 / $1 }
        let dropped = Double(ratios.filter { $0 == 0 }.count)
        #expect(ratios.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - rate)) < 1e-12 })
        // The fraction dropped is binomial(n, p) / n: standard deviation √(p(1 − p)/n).
        #expect(abs(dropped / n - rate) < 5 * (rate * (1 - rate) / n).squareRoot(), "dropped \(dropped / n)")
        // Each mask entry has mean 1 and variance p/(1 − p), so their mean has deviation √(p/((1 − p) n)).
        let meanMask = ratios.reduce(0, +) / n
        #expect(abs(meanMask - 1) < 5 * (rate / ((1 - rate) * n)).squareRoot(), "mean mask \(meanMask)")
    }

    @Test("the mask follows the seed")
    func maskFollowsSeed() {
        let x = Tensor<Float>.ones([10, 30])
        let dropout = Dropout<Float>(rate: 0.3)
        func run(seed: UInt64) -> Tensor<Float> {
            var context = ForwardContext.training(seed: seed)
            return dropout(x, context: &context)
        }
        #expect(run(seed: 4) == run(seed: 4))
        #expect(run(seed: 4) != run(seed: 5))
        var context = ForwardContext.training(seed: 4)
        let first = dropout(x, context: &context), second = dropout(x, context: &context)
        #expect(first == run(seed: 4))
        #expect(first != second, "successive steps draw fresh masks")
    }

    @Test("rate 0 drops nothing, also while training")
    func rateZero() {
        let x = seededTensor([4, 5], seed: 3)
        var context = ForwardContext.training(seed: 1)
        #expect(Dropout<Double>(rate: 0)(x, context: &context) == x)
    }
}
