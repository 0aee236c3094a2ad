import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Checkpoints and resuming")
struct LoopCheckpointTests {
    static let data = separablePoints(count: 30, seed: 1)

    /// A trainer of a dropout network with Adam (state) and shuffled batches with a short last one.
    static func trainer(modelSeed: UInt64 = 2) -> Trainer<Sequential<Float>, Adam<Float>> {
        var trainer = Trainer(model: smallClassifier(seed: modelSeed, dropout: 0.25), optimizer: Adam<Float>(learningRate: 0.02),
                              loss: .softmaxCrossEntropy, seed: 17)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.schedule = PiecewiseConstantLearningRate([(1, 0.02), (5, 0.01)])
        return trainer
    }

    static func fit(_ trainer: inout Trainer<Sequential<Float>, Adam<Float>>, epochs: Int,
                    callbacks: [any TrainingCallback] = []) throws {
        try trainer.fit(training: data, validation: data, epochs: epochs, batchSize: 4, callbacks: callbacks)
    }

    /// The records without their timings.
    static func untimed(_ history: History) -> [EpochRecord] {
        history.epochs.map { var record = $0; record.seconds = 0; return record }
    }

    @Test("2 epochs equal 1 epoch, save, load into a fresh trainer, 1 more epoch: bit for bit")
    func resumeEquivalence() throws {
        var straight = Self.trainer()
        try Self.fit(&straight, epochs: 2)

        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first = Self.trainer()
        try Self.fit(&first, epochs: 1)
        try first.saveCheckpoint(to: directory + "/run.safetensors")

        var resumed = Self.trainer(modelSeed: 99)
        try resumed.restoreCheckpoint(from: directory + "/run.safetensors")
        #expect(resumed.epochsCompleted == 1 && resumed.stepsCompleted == 8)
        try Self.fit(&resumed, epochs: 1)

        #expect(resumed.model.parameters.map(\.value) == straight.model.parameters.map(\.value))
        #expect(resumed.optimizer.state == straight.optimizer.state)
        #expect(resumed.generator == straight.generator)
        #expect(resumed.stepsCompleted == straight.stepsCompleted)
        #expect(Self.untimed(resumed.history) == Self.untimed(straight.history))

        // Parameters alone are not enough: without the optimiser state and the generator the run differs.
        var partial = Self.trainer()
        partial.model = first.model
        try Self.fit(&partial, epochs: 1)
        #expect(partial.model.parameters.map(\.value) != straight.model.parameters.map(\.value))
    }

    @Test("the checkpoint callback writes every epoch; any of them resumes the run")
    func everyEpoch() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var trainer = Self.trainer()
        try Self.fit(&trainer, epochs: 3, callbacks: [CheckpointEveryEpoch { "\(directory)/epoch-\($0).safetensors" }])
        for epoch in 1...3 { #expect(FileManager.default.fileExists(atPath: "\(directory)/epoch-\(epoch).safetensors")) }

        var resumed = Self.trainer()
        try resumed.restoreCheckpoint(from: "\(directory)/epoch-2.safetensors")
        try Self.fit(&resumed, epochs: 1)
        let last = try TrainingState<Float>(contentsOf: "\(directory)/epoch-3.safetensors")
        #expect(resumed.model.parameters.map(\.value) == last.parameters.map(\.value))
        #expect(resumed.model.parameters.map(\.value) == trainer.model.parameters.map(\.value))
    }

    @Test("a checkpoint of another model or optimiser is refused and changes nothing")
    func mismatches() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var trainer = Self.trainer()
        try Self.fit(&trainer, epochs: 1)
        let path = directory + "/run.safetensors"
        try trainer.saveCheckpoint(to: path)

        var generator = SeededGenerator(seed: 3)
        var wider = Trainer(model: Sequential<Float> { Dense<Float>(inputSize: 2, outputSize: 9, using: &generator).named("hidden") },
                            optimizer: Adam<Float>(), loss: .softmaxCrossEntropy)
        let before = wider.model.parameters.map(\.value)
        expectCheckpointError(.shapeMismatch, containing: "hidden.weight") { try wider.restoreCheckpoint(from: path) }
        #expect(wider.model.parameters.map(\.value) == before && wider.epochsCompleted == 0)

        var momentum = Trainer(model: smallClassifier(seed: 2), optimizer: Momentum<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        #expect(throws: OptimizerStateError.self) { try momentum.restoreCheckpoint(from: path) }
        #expect(momentum.epochsCompleted == 0)
        expectCheckpointError(.unreadable) { try momentum.restoreCheckpoint(from: directory + "/missing.safetensors") }
    }

    @Test("resuming with another batch size, other training data or another schedule is refused, naming each difference")
    func changedSettings() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/run.safetensors"
        var first = Self.trainer()
        try Self.fit(&first, epochs: 1)
        try first.saveCheckpoint(to: path)

        func resumed() throws -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Self.trainer(modelSeed: 99)
            try trainer.restoreCheckpoint(from: path)
            return trainer
        }
        var batch = try resumed()
        let before = batch.model.parameters.map(\.value)
        var error = #expect(throws: CheckpointError.self) { try batch.fit(training: Self.data, epochs: 1, batchSize: 5) }
        #expect(error?.message.contains("batch size: 4 in the checkpoint, 5 now") == true, "\(String(describing: error))")
        #expect(batch.model.parameters.map(\.value) == before && batch.epochsCompleted == 1, "nothing trained")

        var otherData = try resumed()
        error = #expect(throws: CheckpointError.self) {
            try otherData.fit(training: separablePoints(count: 30, seed: 2), epochs: 1, batchSize: 4)
        }
        #expect(error?.message.contains("training data: 30 examples") == true, "\(String(describing: error))")

        var otherSchedule = try resumed()
        otherSchedule.schedule = CosineDecayLearningRate(initial: 0.02, epochs: 4)
        error = #expect(throws: CheckpointError.self) { try Self.fit(&otherSchedule, epochs: 1) }
        #expect(error?.message.contains("learning rate schedule: PiecewiseConstantLearningRate") == true, "\(String(describing: error))")
    }

    @Test("the caller's own settings are recorded and checked too; allowing changed settings goes on knowingly")
    func callerSettings() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/run.safetensors"
        var first = Self.trainer()
        first.settings = ["dataset": "points", "width": "8"]
        try Self.fit(&first, epochs: 1)
        try first.saveCheckpoint(to: path)
        #expect(try TrainingState<Float>(contentsOf: path).metadata["swift-autograd.settings"]?.contains("\"width\":\"8\"") == true)

        var other = Self.trainer()
        other.settings = ["dataset": "points", "width": "9"]
        try other.restoreCheckpoint(from: path)
        expectCheckpointError(.settingsMismatch, containing: "width: 8 in the checkpoint, 9 now") { try Self.fit(&other, epochs: 1) }

        var allowed = Self.trainer()
        allowed.settings = ["dataset": "points", "width": "9"]
        try allowed.restoreCheckpoint(from: path, allowingChangedSettings: true)
        try allowed.fit(training: Self.data, epochs: 1, batchSize: 5)
        #expect(allowed.epochsCompleted == 2)
        #expect(allowed.runSettings["width"] == "9" && allowed.runSettings["batch size"] == "5", "the new settings are recorded from then on")
    }

    @Test("a trained state that records no settings cannot be resumed unchecked")
    func stateWithoutSettings() throws {
        var first = Self.trainer()
        try Self.fit(&first, epochs: 1)
        var state = first.trainingState
        state.metadata["swift-autograd.settings"] = nil
        var resumed = Self.trainer()
        try resumed.restore(from: state)
        expectCheckpointError(.settingsMismatch, containing: "records no run settings") { try Self.fit(&resumed, epochs: 1) }
        try resumed.restore(from: state, allowingChangedSettings: true)
        try Self.fit(&resumed, epochs: 1)
        #expect(resumed.epochsCompleted == 2)
    }
}
