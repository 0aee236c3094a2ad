import Autograd
import Layers
import Testing
import Train

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
}
