import Autograd

/// Images and their class labels, in memory: the images are one NHWC tensor
/// `[count, height, width, channels]` of `Float` (pixel values as the reader scaled them, usually
/// into 0...1), the labels are integers in `0..<classCount`, one per image.
public struct ImageDataset: Sendable {
    /// All images, `[count, height, width, channels]`.
    public let images: Tensor<Float>
    /// The class of each image, in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int

    /// Creates a dataset; `images` must be rank 4 with one label per image, each in `0..<classCount`.
    public init(images: Tensor<Float>, labels: [Int], classCount: Int, file: StaticString = #fileID, line: UInt = #line) {
        guard images.rank == 4, images.shape[0] == labels.count else {
            fatalError("ImageDataset: images of shape \(images.shape) need rank 4 [N, H, W, C] and one label each (\(labels.count) labels)",
                                file: file, line: line)
        }
        checkLabels(labels, classCount: classCount, type: "ImageDataset", file: file, line: line)
        self.images = images
        self.labels = labels
        self.classCount = classCount
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// The shape of one image, `[height, width, channels]`.
    public var imageShape: Shape { Shape(Array(images.shape.dimensions.dropFirst())) }

    /// The images and labels at `indices`, in that order (an index may repeat). Copies each image
    /// with one `memcpy` into a new batch tensor; nothing else is allocated.
    public func batch(_ indices: some Collection<Int>, file: StaticString = #fileID, line: UInt = #line) -> Batch {
        let imageSize = imageShape.elementCount
        var batchImages = Tensor<Float>.zeros(Shape([indices.count] + imageShape.dimensions))
        var batchLabels = [Int]()
        batchLabels.reserveCapacity(indices.count)
        batchImages.withUnsafeMutableBufferPointer { target in
            images.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    guard (0..<count).contains(index) else {
                        fatalError("ImageDataset.batch: index \(index) is outside 0..<\(count)", file: file, line: line)
                    }
                    batchLabels.append(labels[index])
                    guard imageSize > 0 else { continue }
                    (target.baseAddress! + row * imageSize).update(from: source.baseAddress! + index * imageSize, count: imageSize)
                }
            }
        }
        return Batch(images: batchImages, labels: batchLabels)
    }

    /// The dataset made of the images at `indices`, in that order.
    public func subset(_ indices: some Collection<Int>, file: StaticString = #fileID, line: UInt = #line) -> ImageDataset {
        let picked = batch(indices, file: file, line: line)
        return ImageDataset(images: picked.images, labels: picked.labels, classCount: classCount)
    }

    /// The same labels with other images (same count), for the transforms.
    func replacingImages(_ newImages: Tensor<Float>) -> ImageDataset {
        ImageDataset(images: newImages, labels: labels, classCount: classCount)
    }
}

/// A mini-batch: images `[m, height, width, channels]` and their `m` labels.
public struct Batch: Sendable {
    /// The images, NHWC.
    public let images: Tensor<Float>
    /// One class label per image.
    public let labels: [Int]

    /// The number of images.
    public var count: Int { labels.count }
}

/// Stops with a message naming `type` when a label lies outside `0..<classCount`.
func checkLabels(_ labels: [Int], classCount: Int, type: String, file: StaticString, line: UInt) {
    if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
        fatalError("\(type): label \(labels[bad]) of image \(bad) is outside 0..<\(classCount)", file: file, line: line)
    }
}
