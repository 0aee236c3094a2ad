import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Compiled steps in fit")
struct CompiledFitTests {
    /// 30 points in batches of 4 (a partial last batch of 2): a dropout network with Adam.
    static let data = separablePoints(count: 30, seed: 1)

    static func trainer(_ compilation: TrainingCompilation, model: Sequential<Float> = smallClassifier(seed: 2, dropout: 0.4))
        -> Trainer<Sequential<Float>, Adam<Float>> {
        var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 0.02), loss: .softmaxCrossEntropy, seed: 17)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.compilation = compilation
        return trainer
    }

    /// The records without their timings.
    static func untimed(_ history: History) -> [EpochRecord] {
        history.epochs.map { var record = $0; record.seconds = 0; return record }
    }

    @Test("a dropout network trained compiled equals the tape run bit for bit, partial last batches included")
    func dropoutEqualsTape() throws {
        var tape = Self.trainer(.off)
        var compiled = Self.trainer(.automatic)
        try tape.fit(training: Self.data, validation: Self.data, epochs: 2, batchSize: 4)
        try compiled.fit(training: Self.data, validation: Self.data, epochs: 2, batchSize: 4)
        #expect(tape.compiledStepCount == 0)
        // Per shape: a tape step that traces, a step checked against the tape, then replays.
        #expect(compiled.compiledStepCount == 16 - 4)
        #expect(compiled.model.parameters.map(\.value) == tape.model.parameters.map(\.value))
        #expect(compiled.history.stepLosses == tape.history.stepLosses)
        #expect(Self.untimed(compiled.history) == Self.untimed(tape.history))
        #expect(compiled.generator == tape.generator)
        #expect(compiled.optimizer.state == tape.optimizer.state)
    }

    @Test("a conv net with BatchNorm (running statistics) trains on the tape under .automatic, as under .off")
    func batchNormEqualsTape() throws {
        var generator = SeededGenerator(seed: 6)
        let model = Sequential<Float> {
            Conv2D<Float>(inputChannels: 1, filters: 4, kernelSize: (3, 3), padding: .symmetric(1), using: &generator)
            BatchNorm<Float>(featureCount: 4, activation: .relu)
            MaxPool2D<Float>(size: (2, 2), strides: (2, 2))
            Flatten<Float>()
            Dropout<Float>(rate: 0.3)
            Dense<Float>(inputSize: 36, outputSize: 3, using: &generator)
            BatchNorm<Float>(featureCount: 3)
        }
        let images = Tensor<Float>(randomNormal: [14, 6, 6, 1], using: &generator)
        let data = TensorDataset(inputs: images, targets: .labels(Tensor((0..<14).map { $0 % 3 })))
        func train(_ compilation: TrainingCompilation) throws -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Self.trainer(compilation, model: model)
            try trainer.fit(training: data, validation: data, epochs: 3, batchSize: 4)
            return trainer
        }
        let (tape, compiled) = (try train(.off), try train(.automatic))
        #expect(compiled.compiledStepCount == 0)
        #expect(compiled.model.parameters.map(\.value) == tape.model.parameters.map(\.value))
        #expect(compiled.model.state.map(\.value) == tape.model.state.map(\.value))
        #expect(compiled.model.state.map(\.value) != model.state.map(\.value), "the running statistics moved")
        #expect(Self.untimed(compiled.history) == Self.untimed(tape.history))
    }

    @Test("target values (quadratic cost) and an L2 penalty train compiled, equal to the tape")
    func valuesAndPenalty() throws {
        let inputs = Self.data.inputs
        let targets = Tensor<Float>(oneHot: Tensor(Self.data.targets.classLabels), classCount: 2)
        let data = TensorDataset(inputs: inputs, targets: .values(targets))
        func train(_ compilation: TrainingCompilation) throws -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Self.trainer(compilation)
            trainer.loss = .meanQuadraticCost
            trainer.l2Penalty = 0.5
            try trainer.fit(training: data, epochs: 2, batchSize: 8)
            return trainer
        }
        let (tape, compiled) = (try train(.off), try train(.automatic))
        #expect(compiled.compiledStepCount > 0)
        #expect(compiled.model.parameters.map(\.value) == tape.model.parameters.map(\.value))
        #expect(compiled.history.stepLosses == tape.history.stepLosses)
    }

    @Test("resuming a compiled run from a checkpoint equals the uninterrupted run")
    func resume() throws {
        var straight = Self.trainer(.automatic)
        try straight.fit(training: Self.data, epochs: 3, batchSize: 4)

        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        var first = Self.trainer(.automatic)
        try first.fit(training: Self.data, epochs: 2, batchSize: 4)
        try first.saveCheckpoint(to: directory + "/run.safetensors")
        var resumed = Self.trainer(.automatic, model: smallClassifier(seed: 99, dropout: 0.4))
        try resumed.restoreCheckpoint(from: directory + "/run.safetensors")
        try resumed.fit(training: Self.data, epochs: 1, batchSize: 4)

        #expect(first.compiledStepCount > 0 && resumed.compiledStepCount > 0)
        #expect(resumed.model.parameters.map(\.value) == straight.model.parameters.map(\.value))
        #expect(resumed.optimizer.state == straight.optimizer.state)
        #expect(resumed.generator == straight.generator)
        #expect(Self.untimed(resumed.history) == Self.untimed(straight.history))
    }

    @Test("a NaN in a compiled step is reported with the tape's step and operation")
    func nonFinite() throws {
        // The last step of the first epoch holds the bad example: two steps before it compile.
        var generator = SeededGenerator(seed: 11)
        let plan = Sampler(exampleCount: 12, scheme: .miniBatch(size: 3, withReplacement: false)).epoch(using: &generator)
        let bad = try #require(plan[3].first)
        func train(_ compilation: TrainingCompilation) throws -> (History, Int) {
            var trainer = Trainer(model: LoopNonFiniteTests.logModel(), optimizer: SGD<Float>(learningRate: 0.01),
                                  loss: .softmaxCrossEntropy, seed: 11)
            trainer.progress = ProgressReporter(style: .silent)
            trainer.compilation = compilation
            return (try trainer.fit(training: LoopNonFiniteTests.data(bad: bad), epochs: 2, batchSize: 3), trainer.compiledStepCount)
        }
        let (tape, compiled) = (try train(.off), try train(.automatic))
        #expect(compiled.1 == 1, "step 3 replays compiled; step 4 (the NaN) is reported from the tape")
        guard case .nonFinite(let expected) = tape.0.stopReason, case .nonFinite(let report) = compiled.0.stopReason else {
            Issue.record("expected non-finite stops, got \(String(describing: tape.0.stopReason)), \(String(describing: compiled.0.stopReason))")
            return
        }
        #expect(report.position == TrainingPosition(epoch: 0, step: 3, stepsPerEpoch: 4))
        #expect(report.position == expected.position)
        #expect(report.operation?.primitive == .log && report.operation?.primitive == expected.operation?.primitive)
        #expect(report.operation?.tapePosition == expected.operation?.tapePosition)
        #expect(report.loss.isNaN && report.parameter == expected.parameter)
    }

    @Test("a model that reads indices from its inputs is checked against the tape and stays there")
    func embeddingFallsBack() throws {
        var generator = SeededGenerator(seed: 3)
        let model = Sequential<Float> {
            Embedding<Float>(vocabularySize: 5, width: 3, using: &generator)
            Flatten<Float>()
            Dense<Float>(inputSize: 6, outputSize: 2, using: &generator)
        }
        let tokens = Tensor<Float>((0..<40).map { Float(($0 * 7 + $0 / 3) % 5) }, shape: [20, 2])
        let data = TensorDataset(inputs: tokens, targets: .labels(Tensor((0..<20).map { $0 % 2 })))
        func train(_ compilation: TrainingCompilation) throws -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Self.trainer(compilation, model: model)
            try trainer.fit(training: data, epochs: 2, batchSize: 4)
            return trainer
        }
        let (tape, compiled) = (try train(.off), try train(.automatic))
        #expect(compiled.compiledStepCount == 0)
        #expect(compiled.model.parameters.map(\.value) == tape.model.parameters.map(\.value))
    }
}
