import Autograd

// Conversions shared by the readers: unsigned-byte pixels to the NHWC Float tensor, and label
// bytes to checked class labels.

/// The layout of a file that stores images as unsigned bytes, channel planes one after another
/// (IDX has one plane; CIFAR-10 has a red, a green and a blue plane of row-major pixels).
struct PlanarByteImages {
    /// Bytes from the start of one record to the start of the next.
    var recordStride: Int
    /// Bytes from the start of a record to its first pixel (CIFAR-10: 1, the label byte).
    var pixelOffset: Int
    var height: Int
    var width: Int
    var channels: Int

    /// `count` images from `bytes`, converted once to NHWC and scaled by 1/255 into 0...1.
    func images(from bytes: [UInt8], count: Int) -> Tensor<Float> {
        let plane = height * width
        var result = Tensor<Float>.zeros([count, height, width, channels])
        result.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { source in
                for image in 0..<count {
                    let record = image * recordStride + pixelOffset
                    let output = image * plane * channels
                    for c in 0..<channels {
                        for pixel in 0..<plane {
                            target[output + pixel * channels + c] = Float(source[record + c * plane + pixel]) / 255
                        }
                    }
                }
            }
        }
        return result
    }
}

/// Class labels read from `count` bytes of `bytes` (every `stride`-th byte from `offset`), each
/// checked to lie in `0..<classCount`.
func checkedLabels(_ bytes: [UInt8], count: Int, stride: Int = 1, offset: Int = 0, classCount: Int,
                   reader: DataFileReader) throws -> [Int] {
    var labels = [Int]()
    labels.reserveCapacity(count)
    for item in 0..<count {
        let label = Int(bytes[item * stride + offset])
        guard label < classCount else {
            throw reader.error(.badValue, "label \(label) outside 0..<\(classCount) (item \(item))")
        }
        labels.append(label)
    }
    return labels
}
