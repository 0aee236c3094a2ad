import Autograd
import Layers
import Testing
@testable import Train

@Suite("Callbacks: restoring the best parameters, reducing the rate on a plateau")
struct CallbackTests {
    /// The points of `separablePoints` with every label flipped: the better a model fits the
    /// training points, the worse its loss on these.
    static func flipped(_ data: TensorDataset<Float>) -> TensorDataset<Float> {
        guard case .labels(let labels) = data.targets else { fatalError("labels expected") }
        return TensorDataset(inputs: data.inputs, targets: .labels(Tensor(labels.scalars.map { 1 - Int($0) })))
    }

    /// A trainer of the small classifier with Adam, silent.
    static func trainer() -> Trainer<Sequential<Float>, Adam<Float>> {
        var trainer = Trainer(model: smallClassifier(seed: 4), optimizer: Adam<Float>(learningRate: 0.05),
                              loss: .softmaxCrossEntropy, seed: 6)
        trainer.progress = ProgressReporter(style: .silent)
        return trainer
    }

    @Test("early stopping with restoresBestParameters leaves the best epoch's parameters, bit for bit")
    func restoresBest() throws {
        let training = separablePoints(count: 16, seed: 3), validation = Self.flipped(training)
        var restoring = Self.trainer(), plain = Self.trainer()
        let history = try restoring.fit(training: training, validation: validation, epochs: 20, batchSize: 4,
                                        callbacks: [EarlyStopping(patience: 2, restoresBestParameters: true)])
        try plain.fit(training: training, validation: validation, epochs: 20, batchSize: 4, callbacks: [EarlyStopping(patience: 2)])
        guard case .noImprovement(let bestEpoch, _, _) = history.stopReason else {
            Issue.record("expected early stopping, got \(String(describing: history.stopReason))")
            return
        }
        #expect(history.epochs.count == bestEpoch + 3)
        var best = Self.trainer()
        try best.fit(training: training, validation: validation, epochs: bestEpoch + 1, batchSize: 4)
        let values = { (trainer: Trainer<Sequential<Float>, Adam<Float>>) in trainer.model.parameters.map(\.value.scalars) }
        #expect(values(restoring) == values(best))
        #expect(values(plain) != values(best), "without restoring, the last epoch's parameters stay")
        #expect(restoring.optimizer.state.mapValues(\.scalars) == plain.optimizer.state.mapValues(\.scalars))
    }

    /// The epochs at which a plateau callback asks for a lower rate, and the factors, for `losses`.
    static func reductions(_ losses: [Double], rate: Double = 0.1, _ callback: ReduceLearningRateOnPlateau) throws -> [Int: Double] {
        var callback = callback, history = History(), asked = [Int: Double]()
        for (epoch, loss) in losses.enumerated() {
            let record = EpochRecord(epoch: epoch, learningRate: rate, trainingLoss: 1, trainingAccuracy: 0.5, validationLoss: loss)
            history.epochs.append(record)
            let report = EpochReport(record: record, history: history, checkpoint: { _ in })
            #expect(try callback.epochEnded(report) == .proceed)
            if report.requests.learningRateScale != 1 { asked[epoch] = report.requests.learningRateScale }
        }
        return asked
    }

    @Test("reduce on plateau follows Keras's rules: patience, minimum delta, cooldown, minimum rate")
    func plateauRules() throws {
        let rising = [1, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99]
        #expect(try Self.reductions(rising, ReduceLearningRateOnPlateau(factor: 0.5, patience: 2)) == [3: 0.5, 5: 0.5])
        #expect(try Self.reductions(rising, ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, cooldown: 2)) == [3: 0.5, 6: 0.5])
        // Only a loss below 1 − 0.1 improves on 1.
        #expect(try Self.reductions([1, 0.95, 0.91, 0.85], ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, minimumDelta: 0.1))
                == [2: 0.5])
        #expect(try Self.reductions(rising, rate: 0.5, ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, minimumRate: 0.375))
                == [3: 0.75, 5: 0.75])
        #expect(try Self.reductions(rising, rate: 0.375, ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, minimumRate: 0.375)).isEmpty)
    }

    /// Halves the learning rate after every epoch.
    struct HalveEveryEpoch: TrainingCallback {
        mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision {
            epoch.scaleLearningRate(by: 0.5)
            return .proceed
        }
    }

    @Test("a lowered rate scales the schedule or the optimiser's rate, is kept in checkpoints and resumes exactly")
    func scaledRate() throws {
        let training = separablePoints(count: 12, seed: 3)
        var plain = Self.trainer()
        try plain.fit(training: training, epochs: 3, batchSize: 4, callbacks: [HalveEveryEpoch()])
        #expect(plain.history.epochs.map(\.learningRate) == [0.05, 0.025, 0.0125])
        #expect(plain.optimizer.learningRate == 0.05 && plain.learningRateFactor == 0.125)
        var scheduled = Self.trainer()
        scheduled.schedule = StepDecayLearningRate(initial: 0.04, factor: 0.1, every: 2)
        try scheduled.fit(training: training, epochs: 3, batchSize: 4, callbacks: [HalveEveryEpoch()])
        #expect(scheduled.history.epochs.map(\.learningRate) == [0.04, 0.02, 0.004 * 0.25])

        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        var first = Self.trainer()
        try first.fit(training: training, epochs: 2, batchSize: 4, callbacks: [HalveEveryEpoch()])
        try first.saveCheckpoint(to: directory + "/run.safetensors")
        var resumed = Self.trainer()
        try resumed.restoreCheckpoint(from: directory + "/run.safetensors")
        #expect(resumed.learningRateFactor == 0.25)
        try resumed.fit(training: training, epochs: 1, batchSize: 4, callbacks: [HalveEveryEpoch()])
        #expect(resumed.model.parameters.map(\.value.scalars) == plain.model.parameters.map(\.value.scalars))
        #expect(resumed.history.epochs.map(\.learningRate) == plain.history.epochs.map(\.learningRate))
    }

    @Test("reduce on plateau in fit: with patience 1, every epoch that does not improve halves the next epoch's rate")
    func plateauInFit() throws {
        let training = separablePoints(count: 16, seed: 3)
        var trainer = Self.trainer()
        try trainer.fit(training: training, validation: Self.flipped(training), epochs: 6, batchSize: 4,
                        callbacks: [ReduceLearningRateOnPlateau(factor: 0.5, patience: 1)])
        var (best, rate, expected) = (Double.infinity, 0.05, [Double]())
        for record in trainer.history.epochs {
            expected.append(rate)
            let loss = try #require(record.validationLoss)
            if loss < best { best = loss } else { rate *= 0.5 }
        }
        #expect(trainer.history.epochs.map(\.learningRate) == expected)
        #expect(Set(expected).count > 2, "the run should have lowered the rate more than once: \(expected)")
    }
}
