import Testing
import Autograd
import Layers
@testable import Train

@Suite("Data checked before training")
struct LoopDataTests {
    static func trainer() -> Trainer<Sequential<Float>, SGD<Float>> {
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        return trainer
    }

    /// The separable points with `value` written into element `element` of example `example`.
    static func points(_ value: Float, atExample example: Int, element: Int) -> TensorDataset<Float> {
        let points = separablePoints(count: 12, seed: 1)
        var inputs = points.inputs
        inputs[example, element] = value
        return TensorDataset(inputs: inputs, targets: points.targets)
    }

    @Test("a NaN in the validation data (which a ReLU would hide) stops fit before training, naming the example")
    func nanInValidation() {
        var trainer = Self.trainer()
        let before = trainer.model.parameters.map(\.value)
        let error = #expect(throws: DataError.self) {
            try trainer.fit(training: separablePoints(count: 12, seed: 1), validation: Self.points(.nan, atExample: 7, element: 1),
                            epochs: 1, batchSize: 4)
        }
        #expect(error?.file == "validation data" && error?.message.contains("example 7 holds nan at element 1 of its input") == true,
                "\(String(describing: error))")
        #expect(trainer.model.parameters.map(\.value) == before && trainer.stepsCompleted == 0)
    }

    @Test("an infinity in the training inputs or targets is refused likewise")
    func infinityInTraining() {
        var trainer = Self.trainer()
        expectDataError(.nonFinite, containing: "example 11 holds inf at element 0 of its input") {
            try trainer.fit(training: Self.points(.infinity, atExample: 11, element: 0), epochs: 1, batchSize: 4)
        }
        var regression = Trainer(model: smallClassifier(seed: 2), optimizer: SGD<Float>(learningRate: 0.1), loss: .meanQuadraticCost)
        let targets = Tensor<Float>([0, 1, 1, -.infinity], shape: [2, 2])
        expectDataError(.nonFinite, containing: "example 1 holds -inf at element 1 of its target") {
            try regression.fit(training: TensorDataset(inputs: Tensor<Float>.zeros([2, 2]), targets: .values(targets)), epochs: 1)
        }
    }

    @Test("training data without examples throw `empty` instead of stopping the process; an empty validation set counts as none")
    func empty() throws {
        var trainer = Self.trainer()
        let none = TensorDataset<Float>(inputs: Tensor.zeros([0, 2]), targets: .labels(Tensor<Int32>([])))
        expectDataError(.empty, containing: "no examples") { try trainer.fit(training: none, epochs: 1) }
        let history = try trainer.fit(training: separablePoints(count: 12, seed: 1), validation: none, epochs: 1, batchSize: 4)
        #expect(history.epochs.count == 1 && history.epochs[0].validationLoss == nil)
    }

    @Test("a layer that cannot take the data stops fit before training, at the caller's line and naming the layer")
    func wrongLayer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let model = Sequential<Float> {
                Dense<Float>(inputSize: 2, outputSize: 4, using: &generator).named("hidden")
                Dense<Float>(inputSize: 5, outputSize: 2, using: &generator).named("output")
            }
            var trainer = Trainer(model: model, optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
            trainer.progress = ProgressReporter(style: .silent)
            _ = try? trainer.fit(training: separablePoints(count: 8, seed: 1), epochs: 1)
        }
        let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        for fragment in ["TrainTests/LoopDataTests.swift:", "fit: layer output, Dense(5 → 2): expected input of shape [batch, 5], got [1, 4]"] {
            #expect(message.contains(fragment), "\"\(fragment)\" missing from: \(message)")
        }
    }
}
