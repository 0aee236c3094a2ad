import Autograd
import Layers
import Testing
import Train

/// The examples of Docs/Data.md, on small data in place of Fashion-MNIST.
@Suite("The examples of Docs/Data.md")
struct DataDocExampleTests {
    @Test("images as bytes, padded, normalised, augmented and prefetched per batch, as Data.md trains them")
    func bytesPerBatch() throws {
        // In place of `Datasets.idxFolderBytes(...)`: 40 + 10 grey 28×28 images of random bytes.
        let fashion = ByteDatasetSplits(
            training: ByteImageDataset(pixels: randomBytes(40 * 784, seed: 1), imageShape: [28, 28, 1],
                                       labels: (0..<40).map { $0 % 10 }, classCount: 10),
            test: ByteImageDataset(pixels: randomBytes(10 * 784, seed: 2), imageShape: [28, 28, 1], labels: Array(0..<10), classCount: 10))
        var generator = SeededGenerator(seed: 42)
        let model = Sequential<Float> {
            Flatten<Float>()
            Dense<Float>(inputSize: 32 * 32, outputSize: 10, using: &generator)
        }
        let padding = ImagePadding.centring(height: 28, width: 28, inHeight: 32, width: 32)
        let normalization = ChannelNormalization(fitting: fashion.training, padding: padding)
        let (training, validation) = fashion.training.split(validationCount: 8, using: &generator)
        let augmentation = ImageAugmentation(cropPadding: 2, flipsHorizontally: true, seed: 7)
        let train = ImageBatches(training, padding: padding, normalization: normalization, augmentation: augmentation)
        let valid = ImageBatches(validation, padding: padding, normalization: normalization)

        var trainer = Trainer(model: model, optimizer: Adam<Float>(), loss: .softmaxCrossEntropy, seed: 42)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: train.prefetching(), validation: valid.prefetching(), epochs: 2, batchSize: 8)
        #expect(padding == ImagePadding(top: 2, bottom: 2, left: 2, right: 2))
        #expect(trainer.history.epochs.count == 2 && trainer.history.stepLosses.count == 8)
        #expect(train.trainingBatch(0..<3).inputs.shape == [3, 32, 32, 1])
        // Standardised on the padded training images: mean 0 over all of them.
        let all = ImageBatches(fashion.training, padding: padding, normalization: normalization).trainingBatch(0..<40).inputs
        #expect(abs(all.scalars.reduce(0, +) / Float(all.elementCount)) < 1e-4)
    }
}
