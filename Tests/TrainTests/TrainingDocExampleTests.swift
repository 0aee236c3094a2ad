import Autograd
import Foundation
import Layers
import Testing
import Train

/// The examples of Docs/Training.md's schedules, callbacks and range test, on small data.
@Suite("The examples of Docs/Training.md")
struct TrainingDocExampleTests {
    @Test("linear warm-up then cosine decay: rising to the cosine, which has decayed 0.2 % of its way by step 500")
    func warmupThenCosine() {
        var generator = SeededGenerator(seed: 1)
        var trainer = Trainer(model: Dense<Float>(inputSize: 2, outputSize: 2, using: &generator), optimizer: Adam<Float>(),
                              loss: .softmaxCrossEntropy)
        trainer.schedule = LinearWarmup(steps: 500, then: CosineDecayLearningRate(initial: 1e-3, minimum: 1e-5, epochs: 10))
        let rate = { (step: Int) in trainer.schedule!.learningRate(at: TrainingPosition(epoch: 0, step: step, stepsPerEpoch: 1700)) }
        let cosineAt500 = 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + cos(Double.pi * 500 / 17_000))
        #expect(abs(rate(0) - 1e-3 / 500) < 1e-15)
        #expect(abs(rate(499) - (1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + cos(Double.pi * 499 / 17_000)))) < 1e-15)
        #expect(abs((1e-3 - cosineAt500) / (1e-3 - 1e-5) - 0.0021) < 0.0001)
    }

    @Test("batch sharding: two epochs in batches of 32, two shards a step")
    func batchSharding() throws {
        let model = smallClassifier(seed: 2), train = separablePoints(count: 64, seed: 1)
        var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 0.05), loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.batchSharding = true
        try trainer.fit(training: train, epochs: 2, batchSize: 32)   // 2 shards of 16 per step
        #expect(trainer.stepsCompleted == 4 && trainer.history.stepLosses.allSatisfy(\.isFinite))
        #expect(trainer.model.parameters.map(\.value) != model.parameters.map(\.value))
    }

    @Test("early stopping with the best parameters and a rate halved on plateaus, then a range test")
    func callbacksAndRangeTest() throws {
        let train = separablePoints(count: 32, seed: 1), validation = separablePoints(count: 16, seed: 2)
        var trainer = Trainer(model: smallClassifier(seed: 3), optimizer: Adam<Float>(learningRate: 0.05), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }

        let test = try trainer.learningRateRangeTest(training: train, batchSize: 64)
        try test.chart().write(to: directory + "/lr-range.svg")
        trainer.optimizer.learningRate = test.suggestedRate ?? 1e-3
        #expect(test.losses.count > 10 && test.suggestedRate != nil)

        let history = try trainer.fit(training: train, validation: validation, epochs: 30, batchSize: 64, callbacks: [
            EarlyStopping(patience: 5, restoresBestParameters: true),
            ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, minimumRate: 1e-5),
        ])
        #expect(history.epochs.count >= 1 && history.epochs.allSatisfy { $0.learningRate <= trainer.optimizer.learningRate })
        let best = try #require(history.epochs.compactMap(\.validationLoss).min())
        let now = trainer.model.evaluate(on: validation, loss: .softmaxCrossEntropy).loss
        #expect(history.stopReason != nil && abs(now - best) < 1e-6, "restored parameters give the best loss \(best), not \(now)")
        #expect(history.epochs.last!.learningRate < history.epochs[0].learningRate, "the plateaus halved the rate")
    }
}
