import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Guards: no training on, and no checkpoint of, broken parameters")
struct LoopGuardTests {
    /// A trainer of the log model (a negative input makes it NaN) after one good epoch that
    /// checkpointed to `path`, and that checkpoint's bytes.
    static func logTrainer(checkpointingTo path: String) throws -> (Trainer<Sequential<Float>, SGD<Float>>, good: [UInt8]) {
        var trainer = Trainer(model: LoopNonFiniteTests.logModel(), optimizer: SGD<Float>(learningRate: 0.1),
                              loss: .softmaxCrossEntropy, seed: 11)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: LoopNonFiniteTests.data(bad: nil), epochs: 1, batchSize: 3, callbacks: [CheckpointEveryEpoch(path: path)])
        return (trainer, try contents(of: path))
    }

    @Test("a callbacks list keeps the non-finite guard: a NaN never overwrites the last good checkpoint")
    func nonFiniteGuardWithCallbacks() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        var (trainer, good) = try Self.logTrainer(checkpointingTo: path)
        let history = try trainer.fit(training: LoopNonFiniteTests.data(bad: 4), epochs: 2, batchSize: 3,
                                      callbacks: [CheckpointEveryEpoch(path: path)])
        guard case .nonFinite = history.stopReason else {
            Issue.record("expected a non-finite stop, got \(String(describing: history.stopReason))")
            return
        }
        #expect(trainer.model.parameters.allSatisfy { $0.value.isAllFinite })
        #expect(try contents(of: path) == good)
    }

    @Test("a training state with a NaN or an infinity is never written: the error names the tensor and the old file stays")
    func nonFiniteStateIsNotWritten() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        let good = TrainingState<Float>(parameters: [("w", Tensor([1, 2]))], epoch: 1, step: 4, generators: [:])
        try good.write(to: path)
        let before = try contents(of: path)
        let cases = [TrainingState<Float>(parameters: [("w", Tensor([1, .nan]))], epoch: 2, step: 8, generators: [:]),
                     TrainingState<Float>(parameters: [("w", Tensor([1, 2]))], optimizerState: [("w.velocity", Tensor([.infinity, 0]))],
                                          epoch: 2, step: 8, generators: [:])]
        for (state, name) in zip(cases, ["parameter \"w\"", "optimizer state \"w.velocity\""]) {
            let error = #expect(throws: CheckpointError.self) { try state.write(to: path) }
            #expect(error?.message.contains(name) == true, "\(String(describing: error))")
        }
        #expect(try contents(of: path) == before)
    }

    @Test("Adam at a huge learning rate: the divergence guard stops training and keeps the last good checkpoint")
    func divergence() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        let data = separablePoints(count: 24, seed: 1)
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: data, validation: data, epochs: 1, batchSize: 4, callbacks: [CheckpointEveryEpoch(path: path)])
        let good = try contents(of: path)

        trainer.optimizer.learningRate = 1e4
        let history = try trainer.fit(training: data, validation: data, epochs: 3, batchSize: 4,
                                      callbacks: [CheckpointEveryEpoch(path: path)])
        let reason = try #require(history.stopReason)
        #expect("\(reason)".contains("diverged"), "\(reason)")
        #expect(trainer.epochsCompleted == 1)
        #expect(try contents(of: path) == good)
    }

    @Test("with the guards switched off the run goes on, but its NaN parameters are not checkpointed")
    func disabledGuards() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        var (trainer, good) = try Self.logTrainer(checkpointingTo: path)
        trainer.guards = .disabled
        expectCheckpointError(.nonFinite, containing: "parameter \"0.weight\" holds nan") {
            try trainer.fit(training: LoopNonFiniteTests.data(bad: 4), epochs: 1, batchSize: 3, callbacks: [CheckpointEveryEpoch(path: path)])
        }
        #expect(try contents(of: path) == good)
        expectCheckpointError(.nonFinite) { try trainer.saveCheckpoint(to: path) }
    }

    @Test("a validation loss above the limit stops the run before the epoch's checkpoint")
    func validationDivergence() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let data = separablePoints(count: 24, seed: 1)
        guard case .labels(let labels) = data.targets else { return }
        let flipped = TensorDataset(inputs: data.inputs, targets: .labels(Tensor(labels.scalars.map { 1 - $0 })))
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.05), loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.guards = TrainingGuards(divergenceFactor: 1.5)
        let history = try trainer.fit(training: data, validation: flipped, epochs: 20, batchSize: 4,
                                      callbacks: [CheckpointEveryEpoch { "\(directory)/epoch-\($0).safetensors" }])
        guard case .diverged(let report) = history.stopReason else {
            Issue.record("expected a divergence stop, got \(String(describing: history.stopReason))")
            return
        }
        #expect(report.isValidationLoss && report.loss > report.limit)
        #expect(report.firstLoss == history.stepLosses[0] && report.limit == 1.5 * report.firstLoss)
        #expect(history.stepLosses.allSatisfy { $0 <= report.limit })
        let written = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(written.count == trainer.epochsCompleted - 1, "no checkpoint after the epoch that diverged: \(written)")
        #expect("\(report)".contains("diverged after epoch \(trainer.epochsCompleted): validation loss"))
    }

    @Test("the first loss is kept in checkpoints, so a resumed run has the same divergence limit")
    func firstLossResumes() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let data = separablePoints(count: 24, seed: 1)
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: data, epochs: 1, batchSize: 4)
        #expect(trainer.firstLoss == trainer.history.stepLosses.first)
        try trainer.saveCheckpoint(to: directory + "/run.safetensors")
        var resumed = Trainer(model: smallClassifier(seed: 9), optimizer: Adam<Float>(), loss: .softmaxCrossEntropy)
        try resumed.restoreCheckpoint(from: directory + "/run.safetensors")
        #expect(resumed.firstLoss == trainer.firstLoss)
    }

    @Test("a checkpoint holding a NaN is not restored, and the trainer is left as it was")
    func nonFiniteCheckpointIsNotRestored() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        var state = trainer.trainingState
        state.parameters[1].value = Tensor(Array(repeating: .nan, count: state.parameters[1].value.elementCount), shape: state.parameters[1].value.shape)
        try write(state.safeTensors.encoded(), to: directory + "/broken.safetensors")
        let before = trainer.model.parameters.map(\.value)
        expectCheckpointError(.nonFinite, containing: "parameter \"hidden.bias\" holds nan at element 0") {
            try trainer.restoreCheckpoint(from: directory + "/broken.safetensors")
        }
        #expect(trainer.model.parameters.map(\.value) == before)
    }
}
