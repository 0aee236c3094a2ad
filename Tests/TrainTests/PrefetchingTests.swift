import Autograd
import Layers
import Testing
import Train

@Suite("Prefetching batches on another thread")
struct PrefetchingTests {
    /// 20 images of 6×6 grey as bytes, padded to 8×8, normalised, cropped and flipped at random.
    static func augmentedImages() -> ImageBatches {
        let bytes = ByteImageDataset(pixels: randomBytes(20 * 36, seed: 8), imageShape: [6, 6, 1],
                                     labels: (0..<20).map { $0 % 4 }, classCount: 4)
        let padding = ImagePadding.centring(height: 6, width: 6, inHeight: 8, width: 8)
        return ImageBatches(bytes, padding: padding, normalization: ChannelNormalization(fitting: bytes, padding: padding),
                            augmentation: ImageAugmentation(cropPadding: 2, flipsHorizontally: true, seed: 5))
    }

    @Test("the same batches, byte for byte, with and without prefetching, augmentation on")
    func sameBatches() {
        let source = Self.augmentedImages()
        var generator = SeededGenerator(seed: 2)
        let sampler = Sampler(exampleCount: source.count, scheme: .miniBatch(size: 6, withReplacement: false))
        for epoch in 0..<2 {
            let plan = sampler.epoch(using: &generator)
            let serial = Array(source.batches(of: plan, epoch: epoch))
            let prefetched = Array(source.prefetching().batches(of: plan, epoch: epoch))
            #expect(serial.count == 4 && prefetched.count == 4)
            for (one, other) in zip(serial, prefetched) {
                #expect(one.inputs.scalars.map(\.bitPattern) == other.inputs.scalars.map(\.bitPattern))
                #expect(labels(one.targets) == labels(other.targets))
            }
            // Augmented: not the plain batch.
            #expect(serial[0].inputs.scalars != source.trainingBatch(plan[0]).inputs.scalars)
        }
    }

    @Test("training with prefetching gives the same parameters bit for bit")
    func sameTraining() throws {
        func train(prefetching: Bool) throws -> [[Float]] {
            var generator = SeededGenerator(seed: 1)
            let model = Sequential<Float> {
                Flatten<Float>()
                Dense<Float>(inputSize: 64, outputSize: 4, using: &generator)
            }
            var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 3)
            trainer.progress = ProgressReporter(style: .silent)
            let source = Self.augmentedImages()
            if prefetching {
                try trainer.fit(training: source.prefetching(), validation: source.prefetching(), epochs: 2, batchSize: 8)
            } else {
                try trainer.fit(training: source, validation: source, epochs: 2, batchSize: 8)
            }
            #expect(trainer.history.epochs.count == 2)
            return trainer.model.parameters.map(\.value.scalars)
        }
        #expect(try train(prefetching: true) == train(prefetching: false))
    }
}
