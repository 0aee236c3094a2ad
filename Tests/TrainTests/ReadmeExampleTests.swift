import Autograd
import Layers
import Testing
import Train

/// The README's composition example, with a tiny in-memory dataset in place of Fashion-MNIST.
@Suite("README examples compile and run")
struct ReadmeExampleTests {
    @Test("composing and training a model as the README shows")
    func composeAndTrain() throws {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            Conv2D(inputChannels: 1, filters: 32, kernelSize: (5, 5), padding: .same, using: &generator).named("conv1")
            Activation(.relu)
            MaxPool2D(size: (2, 2))
            Flatten()
            Dense(inputSize: 14 * 14 * 32, outputSize: 10, using: &generator).named("output")
        }
        let summary = model.summary(inputShape: [28, 28, 1])
        #expect(summary.contains("Total: 63,562 parameters"), "32·25 + 32 + 6272·10 + 10 = 63,562 parameters:\n\(summary)")

        let images = Tensor<Float>(randomUniform: [8, 28, 28, 1], using: &generator)
        let training = ImageDataset(images: images, labels: (0..<8).map { $0 % 2 }, classCount: 10)
        let normalise = try ChannelNormalization(fitting: training)
        var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 1e-3), loss: .softmaxCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .lines) { _ in }
        let history = try trainer.fit(training: normalise.applied(to: training), validation: normalise.applied(to: training),
                                      epochs: 2, batchSize: 4)
        #expect(history.epochs.count == 2)
        #expect(history.lossChart().svg.contains("<svg"))
    }
}
