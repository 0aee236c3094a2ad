import Testing
import Autograd
import Layers
@testable import Train

@Suite("fit and the plain loop")
struct LoopPlainTests {
    @Test("the fit function trains like a Trainer with the same seed")
    func fitFunction() throws {
        let data = separablePoints(count: 20, seed: 1)
        var model = smallClassifier(seed: 2, dropout: 0.2)
        var optimizer = Momentum<Float>(learningRate: 0.1)
        let history = try fit(&model, optimizer: &optimizer, loss: .softmaxCrossEntropy, training: data, epochs: 2,
                              batchSize: 4, schedule: StepDecayLearningRate(initial: 0.1, factor: 0.5, every: 1), seed: 8,
                              progress: ProgressReporter(style: .silent))
        var trainer = Trainer(model: smallClassifier(seed: 2, dropout: 0.2), optimizer: Momentum<Float>(learningRate: 0.1),
                              loss: .softmaxCrossEntropy, seed: 8)
        trainer.schedule = StepDecayLearningRate(initial: 0.1, factor: 0.5, every: 1)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: data, epochs: 2, batchSize: 4)
        #expect(model.parameters.map(\.value) == trainer.model.parameters.map(\.value))
        #expect(optimizer.state == trainer.optimizer.state)
        #expect(history.epochs.map(\.learningRate) == [0.1, 0.05])
    }

    @Test("the plain loop of Docs/Training.md trains to 100 % on separable points")
    func plainLoop() {
        let data = separablePoints(count: 40, seed: 1)
        var model = smallClassifier(seed: 2)
        // --- Docs/Training.md, "A plain loop" ---
        var optimizer = Adam<Float>(learningRate: 0.05)
        var generator = SeededGenerator(seed: 3)
        let sampler = Sampler(exampleCount: data.count, scheme: .miniBatch(size: 8, withReplacement: false))
        for epoch in 0..<40 {
            for indices in sampler.epoch(using: &generator) {
                let batch = data.trainingBatch(indices)
                var context = ForwardContext(isTraining: true, generator: generator)
                let (loss, gradient) = model.valueWithGradient { model in
                    Loss.softmaxCrossEntropy(model(batch.inputs, context: &context), batch.targets)
                }
                generator = context.generator
                optimizer.update(&model, along: gradient)
                _ = (epoch, loss)
            }
        }
        // --- end ---
        #expect(model.evaluate(on: data, loss: .softmaxCrossEntropy).accuracy == 1)
    }

    @Test("the netbp plain loop of Docs/Training.md lowers the seeds' scaled cost")
    func netbp() {
        // The ten points of MATH.md §3.1 (x₁, x₂ of seed 004) and their targets.
        let x1: [Float] = [0.1, 0.3, 0.1, 0.6, 0.4, 0.6, 0.5, 0.9, 0.4, 0.7]
        let x2: [Float] = [0.1, 0.4, 0.5, 0.9, 0.2, 0.3, 0.6, 0.2, 0.4, 0.6]
        let inputs = Tensor<Float>(zip(x1, x2).flatMap { [$0, $1] }, shape: [10, 2])
        let targets = Tensor<Float>((0..<10).flatMap { $0 < 5 ? [Float(1), 0] : [0, 1] }, shape: [10, 2])
        var generator = SeededGenerator(seed: 5000)
        // --- Docs/Training.md, the netbp run ---
        var model = Sequential<Float>.netbp(inputSize: 2, using: &generator)     // 2-2-3-2 sigmoid, 0.5·N(0,1)
        var optimizer = SGD<Float>(learningRate: 0.05)
        let points = TensorDataset(inputs: inputs, targets: .values(targets))
        let sampler = Sampler(exampleCount: 10, scheme: .singleWithReplacement)
        let initialCost = scaledQuadraticCost(model(inputs), targets).scalar
        for _ in 0..<30 {
            for indices in sampler.epoch(using: &generator) {                       // ten steps of one example
                let batch = points.trainingBatch(indices)
                let (_, gradient) = model.valueWithGradient { model in
                    Loss.meanQuadraticCost(model(batch.inputs), batch.targets)
                }
                optimizer.update(&model, along: gradient)
            }
        }
        let cost = scaledQuadraticCost(model(inputs), targets).scalar               // the listings' costval
        // --- end ---
        #expect(cost < initialCost)
    }
}
