import Autograd

/// A ``BatchSource`` of images held as bytes (``ByteImageDataset``) that prepares every batch
/// when it is asked for: converts the batch's bytes to `Float`, pads them, augments them (at
/// training steps) and normalises them. Only the batch exists as `Float`, so the dataset takes
/// a quarter of the memory of an ``ImageDataset`` (less still when it is padded).
///
/// The values are bit for bit those of the eager transforms of the whole dataset:
/// ``ByteImageDataset/floatDataset``, then `padded(top:bottom:left:right:value:)`, then
/// ``ChannelNormalization``'s `applied(to:)`.
public struct ImageBatches: BatchSource, Sendable {
    /// The images and labels, as bytes.
    public let dataset: ByteImageDataset
    /// The border (value 0, before normalisation) around every image.
    public let padding: ImagePadding
    /// The standardisation applied last, if any.
    public let normalization: ChannelNormalization?
    /// The random changes of training batches, if any; validation and evaluation batches
    /// (``trainingBatch(_:)``) are never augmented.
    public let augmentation: ImageAugmentation?

    /// Batches of `dataset`'s images bordered by `padding`, augmented by `augmentation` at
    /// training steps, then standardised by `normalization` (one statistic per channel).
    public init(_ dataset: ByteImageDataset, padding: ImagePadding = .none, normalization: ChannelNormalization? = nil,
                augmentation: ImageAugmentation? = nil, file: StaticString = #fileID, line: UInt = #line) {
        if let normalization, normalization.mean.count != dataset.imageShape[2] {
            fatalError("ImageBatches: \(normalization.mean.count) channel statistics for images of shape \(dataset.imageShape)",
                       file: file, line: line)
        }
        self.dataset = dataset
        self.padding = padding
        self.normalization = normalization
        self.augmentation = augmentation
    }

    /// The number of images.
    public var count: Int { dataset.count }

    /// The shape of one image of a batch, `[height, width, channels]` with the padding.
    public var imageShape: Shape { Shape(padding.paddedShape(of: dataset.imageShape.dimensions)) }

    /// The images and labels at `indices`, padded and normalised, not augmented (for validation
    /// and evaluation).
    public func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Float> {
        var none: SeededGenerator?
        return prepared(indices, augmentedBy: &none)
    }

    /// The batch of the training step at `position`: padded, augmented with the choices of
    /// ``ImageAugmentation/generator(at:)`` for `position`, and normalised.
    public func trainingBatch(_ indices: some Collection<Int>, at position: TrainingPosition) -> TrainingBatch<Float> {
        var generator = augmentation?.generator(at: position)
        return prepared(indices, augmentedBy: &generator)
    }

    /// The batch of `indices` with the augmentation's choices drawn from `generator` (for a loop
    /// of one's own).
    public func trainingBatch(_ indices: some Collection<Int>, using generator: inout SeededGenerator) -> TrainingBatch<Float> {
        var drawn: SeededGenerator? = generator
        defer { generator = drawn! }
        return prepared(indices, augmentedBy: &drawn)
    }

    /// The batch, augmented when there is an augmentation and a generator.
    private func prepared(_ indices: some Collection<Int>, augmentedBy generator: inout SeededGenerator?) -> TrainingBatch<Float> {
        var images = dataset.images(indices, padding: padding)
        if let augmentation, generator != nil {
            images = augmentation.applied(to: images, fill: Array(repeating: 0, count: imageShape[2]), using: &generator!)
        }
        if let normalization { images = normalization.applied(to: images) }
        return TrainingBatch(inputs: images, targets: .labels(Tensor(indices.map { dataset.labels[$0] })))
    }
}
