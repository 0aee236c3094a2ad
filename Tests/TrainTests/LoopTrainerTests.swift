import Testing
import Autograd
import Layers
@testable import Train

/// Points of the unit square labelled by the side of the line x₁ + x₂ = 1 they lie on, at
/// least `margin` away from it.
func separablePoints(count: Int, seed: UInt64, margin: Float = 0.1) -> TensorDataset<Float> {
    var generator = SeededGenerator(seed: seed)
    var coordinates: [Float] = [], labels: [Int] = []
    while labels.count < count {
        let x = Float.random(in: 0..<1, using: &generator), y = Float.random(in: 0..<1, using: &generator)
        guard abs(x + y - 1) >= margin else { continue }
        coordinates += [x, y]
        labels.append(x + y > 1 ? 1 : 0)
    }
    return TensorDataset(inputs: Tensor(coordinates, shape: [count, 2]), targets: .labels(Tensor(labels)))
}

/// A small classifier for the points, initialised from `seed`.
func smallClassifier(seed: UInt64, dropout: Double = 0) -> Sequential<Float> {
    var generator = SeededGenerator(seed: seed)
    return Sequential {
        Dense<Float>(inputSize: 2, outputSize: 8, using: &generator).named("hidden")
        Activation<Float>(.tanh)
        Dropout<Float>(rate: dropout)
        Dense<Float>(inputSize: 8, outputSize: 2, using: &generator).named("output")
    }
}

@Suite("Training loop")
struct LoopTrainerTests {
    @Test("a small network reaches 100 % training accuracy on separable points")
    func separable() throws {
        let data = separablePoints(count: 40, seed: 1)
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.05),
                              loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        let history = try trainer.fit(training: data, validation: separablePoints(count: 20, seed: 4), epochs: 40, batchSize: 8)
        #expect(history.stopReason == nil)
        #expect(history.epochs.count == 40 && trainer.epochsCompleted == 40 && trainer.stepsCompleted == 200)
        #expect(history.stepLosses.count == 200)
        #expect(history.epochs.last!.trainingAccuracy == 1)
        #expect(trainer.model.evaluate(on: data, loss: .softmaxCrossEntropy).accuracy == 1)
        #expect(history.epochs.last!.trainingLoss < history.epochs.first!.trainingLoss / 4)
        #expect(history.epochs.last!.validationAccuracy! >= 0.9)
        #expect(history.epochs.last!.trainingTopKError == nil, "two classes: no top-5 error")
    }

    @Test("the same seed gives bit-identical parameters, dropout included; another seed does not")
    func determinism() throws {
        func train(seed: UInt64) throws -> [Tensor<Float>] {
            var trainer = Trainer(model: smallClassifier(seed: 2, dropout: 0.3), optimizer: Momentum<Float>(learningRate: 0.1),
                                  loss: .softmaxCrossEntropy, seed: seed)
            trainer.progress = ProgressReporter(style: .silent)
            try trainer.fit(training: separablePoints(count: 30, seed: 1), epochs: 3, batchSize: 4)
            return trainer.model.parameters.map(\.value)
        }
        #expect(try train(seed: 9) == train(seed: 9))
        #expect(try train(seed: 9) != train(seed: 10))
    }

    @Test("a schedule sets the optimiser's learning rate at every step")
    func schedule() throws {
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: SGD<Float>(learningRate: 1),
                              loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.schedule = PiecewiseConstantLearningRate([(2, 0.1), (1, 0.01)])
        let history = try trainer.fit(training: separablePoints(count: 8, seed: 1), epochs: 3, batchSize: 4)
        #expect(history.epochs.map(\.learningRate) == [0.1, 0.1, 0.01])
    }

    @Test("early stopping ends training after `patience` epochs without improvement")
    func earlyStoppingInLoop() throws {
        // With η = 0 nothing changes, so the validation loss never improves after epoch 0.
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: SGD<Float>(learningRate: 0),
                              loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        let data = separablePoints(count: 8, seed: 1)
        let history = try trainer.fit(training: data, validation: data, epochs: 10, batchSize: 4,
                                      callbacks: [EarlyStopping(patience: 2)])
        #expect(history.epochs.count == 3)
        guard case .noImprovement(bestEpoch: 0, _, patience: 2) = history.stopReason else {
            Issue.record("expected early stopping after epoch 0, got \(String(describing: history.stopReason))")
            return
        }
    }

    /// Feeds `losses` as validation losses to an early-stopping callback; returns the epoch it stops at.
    func stoppingEpoch(_ losses: [Double], patience: Int, minimumDelta: Double = 0) throws -> Int? {
        var callback = EarlyStopping(patience: patience, minimumDelta: minimumDelta)
        var history = History()
        for (epoch, loss) in losses.enumerated() {
            let record = EpochRecord(epoch: epoch, learningRate: 0.1, trainingLoss: 1, trainingAccuracy: 0.5, validationLoss: loss)
            history.epochs.append(record)
            if case .stop = try callback.epochEnded(EpochReport(record: record, history: history, checkpoint: { _ in })) {
                return epoch
            }
        }
        return nil
    }

    @Test("early stopping: patience counts epochs since the best loss; improvements must exceed min delta")
    func earlyStoppingRule() throws {
        #expect(try stoppingEpoch([1.0, 0.9, 0.95, 0.92, 0.91], patience: 3) == 4)
        #expect(try stoppingEpoch([1.0, 0.9, 0.95, 0.89, 0.91, 0.92], patience: 3) == nil)
        #expect(try stoppingEpoch([1.0, 0.96, 0.955, 0.9], patience: 2, minimumDelta: 0.05) == 2)
        #expect(try stoppingEpoch([1.0, 0.94, 0.88, 0.82], patience: 1, minimumDelta: 0.05) == nil)
    }
}

@Suite("Evaluation")
struct LoopEvaluationTests {
    @Test("target vectors count as the class of their largest entry; losses average over all examples")
    func targetVectors() {
        var generator = SeededGenerator(seed: 5)
        let model = Sequential<Float>.netbp(inputSize: 2, using: &generator)
        let inputs = Tensor<Float>(randomUniform: [10, 2], using: &generator)
        let targets = Tensor<Float>((0..<10).flatMap { $0 % 3 == 0 ? [Float(1), 0] : [0, 1] }, shape: [10, 2])
        let data = TensorDataset(inputs: inputs, targets: .values(targets))
        let evaluation = model.evaluate(on: data, loss: .meanQuadraticCost, batchSize: 3)
        let outputs = model(inputs)
        let expectedClasses = (0..<10).map { $0 % 3 == 0 ? 0 : 1 }
        let correct = zip(predictedClasses(outputs), expectedClasses).filter { $0 == $1 }.count
        #expect(evaluation.accuracy == Double(correct) / 10)
        #expect(abs(evaluation.loss - Double(meanQuadraticCost(outputs, targets).scalar)) < 1e-6)
        #expect(evaluation.count == 10 && evaluation.topKError == nil)
        let matrix = model.confusionMatrix(on: data, classNames: ["A", "B"], loss: .meanQuadraticCost, batchSize: 4)
        #expect(matrix.correct == correct && matrix.total == 10)
        #expect(matrix.actualCount(0) == 4)
    }
}
