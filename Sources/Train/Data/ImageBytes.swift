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
        let pixels = interleaved(from: bytes, count: count)
        var result = Tensor<Float>.zeros([count, height, width, channels])
        result.withUnsafeMutableBufferPointer { target in
            for index in pixels.indices { target[index] = Float(pixels[index]) / 255 }
        }
        return result
    }

    /// `count` images from `bytes` as NHWC bytes, as they are stored (one channel stays as read).
    func interleaved(from bytes: [UInt8], count: Int) -> [UInt8] {
        let plane = height * width
        if channels == 1, pixelOffset == 0, recordStride == plane, bytes.count == count * plane { return bytes }
        return [UInt8](unsafeUninitializedCapacity: count * plane * channels) { target, initialized in
            bytes.withUnsafeBufferPointer { source in
                for image in 0..<count {
                    let record = image * recordStride + pixelOffset
                    let output = image * plane * channels
                    for c in 0..<channels {
                        for pixel in 0..<plane {
                            target[output + pixel * channels + c] = source[record + c * plane + pixel]
                        }
                    }
                }
            }
            initialized = count * plane * channels
        }
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
