import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Training with BatchNorm: running statistics in checkpoints, roles in optimisers")
struct NormalizationTrainingTests {
    static let data = separablePoints(count: 30, seed: 3)

    /// A classifier of the points with a BatchNorm after its hidden layer.
    static func model(seed: UInt64) -> Sequential<Float> {
        var generator = SeededGenerator(seed: seed)
        return Sequential {
            Dense<Float>(inputSize: 2, outputSize: 6, using: &generator).named("hidden")
            BatchNorm<Float>(featureCount: 6).named("norm")
            Activation<Float>(.tanh)
            Dense<Float>(inputSize: 6, outputSize: 2, using: &generator).named("output")
        }
    }

    static func trainer(modelSeed: UInt64 = 1) -> Trainer<Sequential<Float>, Momentum<Float>> {
        var trainer = Trainer(model: model(seed: modelSeed), optimizer: Momentum<Float>(learningRate: 0.05, weightDecay: .coupled(0.01)),
                              loss: .softmaxCrossEntropy, seed: 5)
        trainer.progress = ProgressReporter(style: .silent)
        return trainer
    }

    @Test("a model file holds the running statistics: saved, loaded (also from a checkpoint), and checked")
    func modelFile() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        var trainer = Self.trainer()
        try trainer.fit(training: Self.data, epochs: 1, batchSize: 4)
        try trainer.model.save(to: directory + "/model.safetensors")
        try trainer.saveCheckpoint(to: directory + "/run.safetensors")
        #expect(try SafeTensors(contentsOf: directory + "/model.safetensors").names.filter { $0.hasPrefix("state/") }
                == ["state/norm.runningMean", "state/norm.runningVariance"])
        for file in ["model", "run"] {
            var loaded = Self.model(seed: 9)
            #expect(loaded.state.map(\.value) != trainer.model.state.map(\.value))
            try loaded.load(from: directory + "/\(file).safetensors")
            #expect(loaded.state.map(\.value) == trainer.model.state.map(\.value), "\(file): the running statistics")
            #expect(loaded(Self.data.inputs) == trainer.model(Self.data.inputs), "\(file): the same inference")
        }
        let saved = try SafeTensors(contentsOf: directory + "/model.safetensors")
        var withoutState = SafeTensors(metadata: saved.metadata)
        for name in saved.names where !name.hasPrefix("state/") { withoutState.append(saved[name]!, named: name) }
        var model = Self.model(seed: 9)
        let before = model.parameters.map(\.value)
        expectCheckpointError(.missing, containing: "no tensor \"state/norm.runningMean\" for state tensor \"norm.runningMean\" of shape [6]") {
            try model.load(from: withoutState)
        }
        #expect(model.parameters.map(\.value) == before, "a refused file changes no parameter")
        var extra = saved
        extra.append(saved["state/norm.runningMean"]!, named: "state/norm.runningMedian")
        expectCheckpointError(.badEntry, containing: "tensor \"state/norm.runningMedian\" is no state tensor of Sequential") {
            try model.load(from: extra)
        }
    }

    @Test("train, checkpoint, resume: identical running statistics, and the same run as without a break")
    func checkpointResume() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        var straight = Self.trainer()
        try straight.fit(training: Self.data, epochs: 2, batchSize: 4)

        var first = Self.trainer()
        let untrained = first.model
        try first.fit(training: Self.data, epochs: 1, batchSize: 4)
        #expect(first.model.state.map(\.value) != untrained.state.map(\.value), "training moves the running statistics")
        #expect(untrained.state.map(\.value) == Self.model(seed: 1).state.map(\.value), "a copy taken before training keeps its own")
        try first.saveCheckpoint(to: directory + "/run.safetensors")

        let saved = try TrainingState<Float>(contentsOf: directory + "/run.safetensors")
        #expect(saved.modelState.map(\.name) == ["norm.runningMean", "norm.runningVariance"])
        #expect(saved.metadata["swift-autograd.parameter-roles"]
                    == "hidden.weight weight\nhidden.bias bias\nnorm.scale scale\nnorm.shift shift\noutput.weight weight\noutput.bias bias")

        var resumed = Self.trainer(modelSeed: 9)
        try resumed.restoreCheckpoint(from: directory + "/run.safetensors")
        #expect(resumed.model.state.map(\.value) == first.model.state.map(\.value))
        #expect(resumed.model.state.map(\.value) == saved.modelState.map(\.value))
        try resumed.fit(training: Self.data, epochs: 1, batchSize: 4)
        #expect(resumed.model.parameters.map(\.value) == straight.model.parameters.map(\.value))
        #expect(resumed.model.state.map(\.value) == straight.model.state.map(\.value))

        // Inference uses the running statistics: other statistics give other outputs.
        var shifted = resumed.model
        shifted.replaceState(with: resumed.model.state.map { $0.value + 1 })
        #expect(shifted(Self.data.inputs) != resumed.model(Self.data.inputs))
    }

    @Test("a checkpoint without the model's state, or with state of another shape, is refused")
    func missingState() throws {
        var trainer = Self.trainer()
        var state = trainer.trainingState
        let complete = state
        state.modelState.removeLast()
        #expect(throws: CheckpointError.self) { try trainer.restore(from: state) }
        state = complete
        state.modelState[0].value = Tensor.zeros([5])
        #expect(throws: CheckpointError.self) { try trainer.restore(from: state) }
        state = complete
        state.modelState.append(("other.runningMean", Tensor.zeros([6])))
        #expect(throws: CheckpointError.self) { try trainer.restore(from: state) }
    }

    @Test("a step the non-finite guard stops leaves the running statistics as they were before it")
    func stoppedStep() throws {
        var generator = SeededGenerator(seed: 4)
        let model = Sequential<Float> {
            Lambda<Float>("Log") { $0.log() }
            BatchNorm<Float>(featureCount: 2).named("norm")
            Dense<Float>(inputSize: 2, outputSize: 2, using: &generator)
        }
        var trainer = Trainer(model: model, optimizer: SGD<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 11)
        trainer.progress = ProgressReporter(style: .silent)
        // One batch of all twelve examples, one of them negative: its log, and the batch's statistics, are NaN.
        let history = try trainer.fit(training: LoopNonFiniteTests.data(bad: 3), epochs: 1, batchSize: 12)
        guard case .nonFinite = history.stopReason else {
            Issue.record("expected a non-finite stop, got \(String(describing: history.stopReason))")
            return
        }
        #expect(trainer.model.state.map(\.value) == model.state.map(\.value))
        #expect(trainer.model.state.allSatisfy { $0.value.isAllFinite })
    }

    @Test("weight decay and the L2 penalty reach weights only: not biases, scales or shifts")
    func roles() {
        var model = Self.model(seed: 2)
        #expect(model.parameterInfo.map(\.isDecayed) == [true, false, false, false, true, false])
        let before = model.parameters
        var optimizer = SGD<Float>(learningRate: 0.1, weightDecay: .coupled(0.5))
        optimizer.update(&model, along: before.map { Tensor.zeros($0.value.shape) })
        for (old, new) in zip(before, model.parameters) {
            #expect((old.value == new.value) == (old.role != .weight), "\(old.name)")
        }
        let denseWeights = [model.parameters[0].value, model.parameters[4].value]
        #expect(l2Penalty(of: model, lambda: 0.1, exampleCount: 10).scalar == l2Penalty(denseWeights, lambda: 0.1, exampleCount: 10).scalar)
    }
}
