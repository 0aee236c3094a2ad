import Autograd

/// Per-channel standardisation x ↦ (x − meanᶜ) / stdᶜ. Fit it on the training set and apply the
/// same statistics to the validation and test sets, so that no information leaks from them.
public struct ChannelNormalization: Hashable, Sendable {
    /// The mean of each channel.
    public let mean: [Float]
    /// The standard deviation of each channel (never zero: a constant channel gets 1).
    public let standardDeviation: [Float]

    /// Uses given statistics (for example the published ones of a dataset); one entry per
    /// channel, every mean finite and every standard deviation finite and positive.
    public init(mean: [Float], standardDeviation: [Float], file: StaticString = #fileID, line: UInt = #line) {
        guard mean.count == standardDeviation.count, mean.allSatisfy(\.isFinite),
              standardDeviation.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            fatalError("ChannelNormalization: means \(mean) need as many finite positive standard deviations, got \(standardDeviation)",
                       file: file, line: line)
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The statistics of `dataset`: for each channel, the mean and the population standard
    /// deviation over every pixel of every image, accumulated in Double (two passes). Images
    /// holding a NaN or an infinity throw ``DataError`` `nonFinite`, naming the first one's
    /// image, row, column and channel.
    public init(fitting dataset: ImageDataset) throws {
        if let (index, value) = dataset.images.firstNonFinite {
            let (image, row, column, channel) = dataset.images.shape.position(of: index)
            throw DataError(.nonFinite, file: "ChannelNormalization(fitting:)",
                            "image \(image), row \(row), column \(column), channel \(channel) is \(value): statistics of it would be NaN")
        }
        self.init(channels: dataset.imageShape[2], elementCount: dataset.images.elementCount) { visit in
            dataset.images.withUnsafeBufferPointer { values in
                forEachElement(count: values.count, channels: dataset.imageShape[2]) { c, i in visit(c, Double(values[i])) }
            }
        }
    }

    /// The statistics of `dataset`'s images each inside a border of `padding` (value 0), the
    /// values k / `maximumValue` of its bytes k: bit for bit those of fitting on the `Float`
    /// images padded the same way (the same sums in the same order), without making them.
    public init(fitting dataset: ByteImageDataset, padding: ImagePadding = .none) {
        let canvas = padding.paddedShape(of: dataset.imageShape.dimensions)
        let (height, width, channels) = (dataset.imageShape[0], dataset.imageShape[1], dataset.imageShape[2])
        let scale = dataset.maximumValue
        self.init(channels: channels, elementCount: dataset.count * canvas[0] * canvas[1] * channels) { visit in
            dataset.pixels.withUnsafeBufferPointer { bytes in
                var pixel = 0
                for _ in 0..<dataset.count {
                    for row in 0..<canvas[0] {
                        let isImageRow = (padding.top..<padding.top + height).contains(row)
                        for column in 0..<canvas[1] {
                            let isInside = isImageRow && (padding.left..<padding.left + width).contains(column)
                            for c in 0..<channels {
                                if isInside {
                                    visit(c, Double(Float(bytes[pixel]) / scale))
                                    pixel += 1
                                } else {
                                    visit(c, 0)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Mean and population standard deviation per channel of `elementCount` values of
    /// `channels` interleaved channels that `forEachValue` visits (twice, in the same order),
    /// accumulated in Double.
    private init(channels: Int, elementCount: Int, forEachValue: ((_ channel: Int, _ value: Double) -> Void) -> Void) {
        let pixels = Double(max(elementCount / max(channels, 1), 1))
        var means = [Double](repeating: 0, count: channels)
        var variances = [Double](repeating: 0, count: channels)
        // Sums into the arrays' buffers: through the arrays themselves, every addition checked
        // their uniqueness and bounds.
        means.withUnsafeMutableBufferPointer { means in
            forEachValue { c, value in means[c] += value }
            for c in means.indices { means[c] /= pixels }
            variances.withUnsafeMutableBufferPointer { variances in
                forEachValue { c, value in
                    let deviation = value - means[c]
                    variances[c] += deviation * deviation
                }
            }
        }
        self.init(mean: means.map(Float.init), standardDeviation: variances.map { variance in
            let deviation = Float((variance / pixels).squareRoot())
            return deviation > 0 ? deviation : 1
        })
    }

    /// `images` (NHWC, with as many channels as there are statistics), standardised.
    public func applied(to images: Tensor<Float>, file: StaticString = #fileID, line: UInt = #line) -> Tensor<Float> {
        guard images.rank == 4, images.shape[3] == mean.count else {
            fatalError("ChannelNormalization: images of shape \(images.shape) do not have \(mean.count) channels",
                                file: file, line: line)
        }
        var result = images
        // The per-channel mean and scale repeated over 16 pixels, so that the loop below walks
        // both in step with the values, contiguously (vectorised) whatever the channel count.
        let pixels = 16
        let meanPattern = Array((0..<pixels).map { _ in mean }.joined())
        let scalePattern = Array((0..<pixels).map { _ in standardDeviation.map { 1 / $0 } }.joined())
        result.withUnsafeMutableBufferPointer { values in
            meanPattern.withUnsafeBufferPointer { mean in
                scalePattern.withUnsafeBufferPointer { scale in
                    var start = 0
                    while start < values.count {
                        let length = min(mean.count, values.count - start)
                        for j in 0..<length { values[start + j] = (values[start + j] - mean[j]) * scale[j] }
                        start += length
                    }
                }
            }
        }
        return result
    }

    /// `dataset` with standardised images.
    public func applied(to dataset: ImageDataset, file: StaticString = #fileID, line: UInt = #line) -> ImageDataset {
        dataset.replacingImages(applied(to: dataset.images, file: file, line: line))
    }
}

/// Calls `body(channel, index)` for every index of `count` interleaved (…, channels) elements,
/// walking pixel by pixel so that finding the channel takes no division.
@inline(__always)
private func forEachElement(count: Int, channels: Int, _ body: (Int, Int) -> Void) {
    var start = 0
    while start + channels <= count {
        for c in 0..<channels { body(c, start + c) }
        start += channels
    }
}

extension Shape {
    /// The (image, row, column, channel) of the element at row-major `index` in NHWC images.
    fileprivate func position(of index: Int) -> (Int, Int, Int, Int) {
        let (pixel, channel) = index.quotientAndRemainder(dividingBy: self[3])
        let (line, column) = pixel.quotientAndRemainder(dividingBy: self[2])
        let (image, row) = line.quotientAndRemainder(dividingBy: self[1])
        return (image, row, column, channel)
    }
}
