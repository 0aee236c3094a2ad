import Autograd

/// Images and their class labels kept as the bytes they are stored in (IDX, CIFAR-10), a
/// quarter of the memory of ``ImageDataset``'s `Float` pixels: the pixels are one NHWC array
/// `[count, height, width, channels]` of `UInt8`, and byte k stands for the value
/// k / `maximumValue` (255: 0...1, as the `Float` readers give). ``ImageBatches`` converts,
/// pads, augments and normalises them per batch.
public struct ByteImageDataset: Sendable {
    /// Every pixel of every image, NHWC, as stored.
    public let pixels: [UInt8]
    /// The shape of one image, `[height, width, channels]`.
    public let imageShape: Shape
    /// The class of each image, in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int
    /// The byte that stands for 1: a byte k is the value k / `maximumValue`.
    public let maximumValue: Float

    /// A dataset of `pixels` (NHWC, `labels.count` images of `imageShape` `[height, width,
    /// channels]`) with one label each in `0..<classCount`; `maximumValue` must be positive.
    public init(pixels: [UInt8], imageShape: Shape, labels: [Int], classCount: Int, maximumValue: Float = 255,
                file: StaticString = #fileID, line: UInt = #line) {
        guard imageShape.rank == 3, pixels.count == labels.count * imageShape.elementCount, maximumValue > 0 else {
            fatalError("ByteImageDataset: \(pixels.count) pixels are not \(labels.count) images of shape \(imageShape) [H, W, C], or maximum value \(maximumValue) is not positive",
                       file: file, line: line)
        }
        checkLabels(labels, classCount: classCount, type: "ByteImageDataset", file: file, line: line)
        self.pixels = pixels
        self.imageShape = imageShape
        self.labels = labels
        self.classCount = classCount
        self.maximumValue = maximumValue
    }

    /// `dataset` as bytes: every pixel must be exactly k / `maximumValue` for a byte k (as the
    /// readers make them), else ``DataError`` `badValue` names the first that is not.
    public init(exactly dataset: ImageDataset, maximumValue: Float = 255) throws {
        let bytes = try dataset.images.withUnsafeBufferPointer { values in
            try values.indices.map { index -> UInt8 in
                let scaled = (values[index] * maximumValue).rounded()
                guard scaled >= 0, scaled <= 255, Float(UInt8(scaled)) / maximumValue == values[index] else {
                    throw DataError(.badValue, file: "ByteImageDataset(exactly:)",
                                    "pixel \(index) is \(values[index]), not a byte k / \(maximumValue)")
                }
                return UInt8(scaled)
            }
        }
        self.init(pixels: bytes, imageShape: dataset.imageShape, labels: dataset.labels, classCount: dataset.classCount,
                  maximumValue: maximumValue)
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// The dataset made of the images at `indices`, in that order (an index may repeat).
    public func subset(_ indices: some Collection<Int>, file: StaticString = #fileID, line: UInt = #line) -> ByteImageDataset {
        let size = imageShape.elementCount
        var picked = [UInt8]()
        picked.reserveCapacity(indices.count * size)
        for index in indices {
            checkIndex(index, "subset", file: file, line: line)
            picked += pixels[index * size..<(index + 1) * size]
        }
        return ByteImageDataset(pixels: picked, imageShape: imageShape, labels: indices.map { labels[$0] },
                                classCount: classCount, maximumValue: maximumValue)
    }

    /// A seeded split into a training part and a validation part of `validationCount` images,
    /// the same images as ``ImageDataset/split(validationCount:using:file:line:)`` takes for the
    /// same generator; both parts keep the original order of their images.
    public func split<G: RandomNumberGenerator>(validationCount: Int, using generator: inout G,
                                                file: StaticString = #fileID, line: UInt = #line)
        -> (training: ByteImageDataset, validation: ByteImageDataset)
    {
        let (training, validation) = splitIndices(count: count, validationCount: validationCount, using: &generator,
                                                  operation: "ByteImageDataset.split", file: file, line: line)
        return (subset(training), subset(validation))
    }

    /// The images at `indices` as `Float` values k / `maximumValue`, each inside a border of
    /// `padding` (value 0): `[indices.count, padded height, padded width, channels]`.
    public func images(_ indices: some Collection<Int>, padding: ImagePadding = .none,
                       file: StaticString = #fileID, line: UInt = #line) -> Tensor<Float> {
        let (height, width, channels) = (imageShape[0], imageShape[1], imageShape[2])
        let canvas = padding.paddedShape(of: imageShape.dimensions)
        var result = Tensor<Float>.zeros(Shape([indices.count] + canvas))
        let (rowLength, imageSize, canvasSize) = (width * channels, imageShape.elementCount, canvas[0] * canvas[1] * channels)
        let scale = maximumValue
        result.withUnsafeMutableBufferPointer { target in
            pixels.withUnsafeBufferPointer { source in
                for (slot, index) in indices.enumerated() {
                    checkIndex(index, "images", file: file, line: line)
                    for row in 0..<height {
                        let from = index * imageSize + row * rowLength
                        let to = slot * canvasSize + ((padding.top + row) * canvas[1] + padding.left) * channels
                        for element in 0..<rowLength { target[to + element] = Float(source[from + element]) / scale }
                    }
                }
            }
        }
        return result
    }

    /// All images as `Float` values, an ``ImageDataset`` (four times the memory).
    public var floatDataset: ImageDataset {
        ImageDataset(images: images(0..<count), labels: labels, classCount: classCount)
    }

    /// Stops with a message naming `operation` when `index` is not an image's.
    private func checkIndex(_ index: Int, _ operation: String, file: StaticString, line: UInt) {
        guard (0..<count).contains(index) else {
            fatalError("ByteImageDataset.\(operation): index \(index) is outside 0..<\(count)", file: file, line: line)
        }
    }
}
