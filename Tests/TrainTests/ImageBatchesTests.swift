import Autograd
import Layers
import Testing
import Train

/// Images as bytes, prepared per batch: the same values as the eager `Float` transforms.
@Suite("Image batches from bytes")
struct ImageBatchesTests {
    /// Seven 3×4 images of two channels, random bytes, labels 0…2.
    static let bytes = ByteImageDataset(pixels: randomBytes(7 * 3 * 4 * 2, seed: 21), imageShape: [3, 4, 2],
                                        labels: (0..<7).map { $0 % 3 }, classCount: 3)
    static let padding = ImagePadding(top: 1, bottom: 2, left: 0, right: 1)

    /// The bit patterns of a tensor's values.
    static func bits(_ tensor: Tensor<Float>) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

    @Test("padding, statistics and normalisation per batch equal the eager Float transforms bit for bit")
    func sameAsEager() throws {
        let eager = Self.bytes.floatDataset.padded(top: 1, bottom: 2, left: 0, right: 1)
        let statistics = try ChannelNormalization(fitting: eager)
        #expect(ChannelNormalization(fitting: Self.bytes, padding: Self.padding) == statistics)
        let normalised = statistics.applied(to: eager)
        let batches = ImageBatches(Self.bytes, padding: Self.padding, normalization: statistics)
        #expect(batches.imageShape == [6, 5, 2])
        for indices in [[4, 0, 4], [6], Array(0..<7), []] {
            let batch = batches.trainingBatch(indices)
            #expect(Self.bits(batch.inputs) == Self.bits(normalised.batch(indices).images))
            #expect(labels(batch.targets) == indices.map { Int32(Self.bytes.labels[$0]) })
        }
        #expect(batches.trainingBatch([]).inputs.shape == [0, 6, 5, 2])
    }

    @Test("a loop of one's own draws the augmentation from its generator: the batch fit gets at that step's generator")
    func ownGenerator() {
        let augmentation = ImageAugmentation(cropPadding: 1, flipsHorizontally: true, seed: 2)
        let batches = ImageBatches(Self.bytes, padding: Self.padding, augmentation: augmentation)
        let position = TrainingPosition(epoch: 1, step: 2, stepsPerEpoch: 3)
        var generator = augmentation.generator(at: position)
        let own = batches.trainingBatch([1, 5, 5], using: &generator)
        #expect(Self.bits(own.inputs) == Self.bits(batches.trainingBatch([1, 5, 5], at: position).inputs))
        #expect(generator != augmentation.generator(at: position), "the draws advance the caller's generator")
        #expect(Self.bits(own.inputs) != Self.bits(batches.trainingBatch([1, 5, 5]).inputs))
    }

    @Test("split and subset pick the images ImageDataset's split picks")
    func split() {
        var first = SeededGenerator(seed: 4), second = SeededGenerator(seed: 4)
        let floats = Self.bytes.floatDataset.split(validationCount: 3, using: &first)
        let bytes = Self.bytes.split(validationCount: 3, using: &second)
        #expect(bytes.training.floatDataset.images.scalars == floats.training.images.scalars)
        #expect(bytes.validation.labels == floats.validation.labels && bytes.validation.count == 3)
        #expect(Self.bytes.subset([2, 2]).pixels == Array(Self.bytes.pixels[48..<72]) + Array(Self.bytes.pixels[48..<72]))
    }

    @Test("Float images become bytes only when every pixel is k / maximum")
    func exactBytes() throws {
        let digits = ImageDataset(images: Tensor([0, 1.0 / 16, 0.5, 1], shape: [1, 2, 2, 1]), labels: [0], classCount: 1)
        #expect(try ByteImageDataset(exactly: digits, maximumValue: 16).pixels == [0, 1, 8, 16])
        #expect(try ByteImageDataset(exactly: Self.bytes.floatDataset).pixels == Self.bytes.pixels)
        let other = ImageDataset(images: Tensor([0, 0.3], shape: [1, 1, 2, 1]), labels: [0], classCount: 1)
        expectDataError(.badValue, containing: "pixel 1 is 0.3") { _ = try ByteImageDataset(exactly: other) }
    }
}

/// The class labels of `targets` (nil for target values).
func labels<Scalar>(_ targets: Targets<Scalar>) -> [Int32]? {
    guard case .labels(let labels) = targets else { return nil }
    return labels.scalars
}
