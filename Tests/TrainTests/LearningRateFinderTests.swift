import Autograd
import Foundation
import Layers
import Testing
import Train

@Suite("Learning-rate range test")
struct LearningRateFinderTests {
    /// 64 points x in [−1, 1) with targets y = 2x + 1, for a dense layer 1 → 1 and the quadratic
    /// cost, whose Hessian E[(x, 1)(x, 1)ᵀ] ≈ diag(1/3, 1): SGD converges for η < 2/λ_max ≈ 2.
    static func line() -> TensorDataset<Float> {
        var generator = SeededGenerator(seed: 11)
        let x = (0..<64).map { _ in Float.random(in: -1..<1, using: &generator) }
        return TensorDataset(inputs: Tensor(x, shape: [64, 1]), targets: .values(Tensor(x.map { 2 * $0 + 1 }, shape: [64, 1])))
    }

    @Test("rates rise exponentially (closed formula), the test stops when the loss blows up, the suggestion is a stable rate (η < 2)")
    func rangeTest() throws {
        var generator = SeededGenerator(seed: 2)
        let trainer = Trainer(model: Dense<Float>(inputSize: 1, outputSize: 1, using: &generator),
                              optimizer: SGD<Float>(learningRate: 0.1), loss: .meanQuadraticCost, seed: 3)
        let before = trainer.model.parameters.map(\.value.scalars)
        let test = try trainer.learningRateRangeTest(training: Self.line(), batchSize: 8, from: 1e-4, to: 100, steps: 60)
        #expect(test.diverged && test.losses.count < 60 && test.losses.count > 30)
        for (k, rate) in test.rates.enumerated() { #expect(rate == 1e-4 * pow(100 / 1e-4, Double(k) / 59)) }
        #expect(test.smoothedLosses[0] == test.losses[0])
        #expect(abs(test.smoothedLosses[1] - (0.98 * 0.02 * test.losses[0] + 0.02 * test.losses[1]) / (1 - 0.98 * 0.98)) < 1e-12)
        let suggestion = try #require(test.suggestedRate)
        #expect(suggestion > 1e-2 && suggestion < 2, "suggested \(suggestion)")
        #expect(suggestion == test.rateOfMinimumLoss! / 10)
        let lowest = try #require(test.rates.firstIndex(of: test.rateOfMinimumLoss!))
        #expect(test.smoothedLosses[lowest] < test.smoothedLosses[0] && test.smoothedLosses[lowest] == test.smoothedLosses.min())
        #expect(trainer.model.parameters.map(\.value.scalars) == before && trainer.stepsCompleted == 0)
        #expect(test.chart().svg.contains("learning rate"))
    }

    @Test("without divergence the test takes every step, across epochs")
    func allSteps() throws {
        var generator = SeededGenerator(seed: 2)
        let trainer = Trainer(model: Dense<Float>(inputSize: 1, outputSize: 1, using: &generator),
                              optimizer: SGD<Float>(learningRate: 0.1), loss: .meanQuadraticCost, seed: 3)
        let test = try trainer.learningRateRangeTest(training: Self.line(), batchSize: 8, from: 1e-5, to: 1e-3, steps: 20)
        #expect(!test.diverged && test.losses.count == 20 && test.rates.last == 1e-3)
    }
}
