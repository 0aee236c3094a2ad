import Autograd

extension ImageDataset {
    /// The images surrounded by a border of `value`: `top` rows above, `bottom` below, `left`
    /// columns before and `right` after each image.
    public func padded(top: Int, bottom: Int, left: Int, right: Int, value: Float = 0,
                       file: StaticString = #fileID, line: UInt = #line) -> ImageDataset {
        guard min(top, bottom, left, right) >= 0 else {
            fatalError("ImageDataset.padded: negative padding \(top), \(bottom), \(left), \(right)", file: file, line: line)
        }
        let (height, width, channels) = (imageShape[0], imageShape[1], imageShape[2])
        let (newHeight, newWidth) = (height + top + bottom, width + left + right)
        var result = Tensor<Float>(repeating: value, shape: [count, newHeight, newWidth, channels])
        let rowLength = width * channels
        result.withUnsafeMutableBufferPointer { target in
            images.withUnsafeBufferPointer { source in
                guard rowLength > 0 else { return }
                for image in 0..<count {
                    for row in 0..<height {
                        let from = ((image * height) + row) * rowLength
                        let to = ((image * newHeight + top + row) * newWidth + left) * channels
                        (target.baseAddress! + to).update(from: source.baseAddress! + from, count: rowLength)
                    }
                }
            }
        }
        return replacingImages(result)
    }

    /// The images centred in a `height` × `width` canvas of `value` (for example MNIST's 28×28
    /// to LeNet's 32×32: two pixels on each side). An odd difference puts the extra pixel at the
    /// bottom or right.
    public func padded(toHeight height: Int, width: Int, value: Float = 0,
                       file: StaticString = #fileID, line: UInt = #line) -> ImageDataset {
        let border = ImagePadding.centring(height: imageShape[0], width: imageShape[1], inHeight: height, width: width,
                                           file: file, line: line)
        return padded(top: border.top, bottom: border.bottom, left: border.left, right: border.right, value: value,
                      file: file, line: line)
    }

    /// Grey images (one channel) with that channel repeated `channels` times, for example
    /// Fashion-MNIST fed to a network built for RGB.
    public func repeatingGreyChannel(_ channels: Int = 3, file: StaticString = #fileID, line: UInt = #line) -> ImageDataset {
        guard imageShape[2] == 1, channels > 0 else {
            fatalError("ImageDataset.repeatingGreyChannel: images of shape \(imageShape) are not grey (one channel), or \(channels) channels asked",
                                file: file, line: line)
        }
        var result = Tensor<Float>.zeros([count, imageShape[0], imageShape[1], channels])
        result.withUnsafeMutableBufferPointer { target in
            images.withUnsafeBufferPointer { source in
                for pixel in source.indices {
                    for c in 0..<channels { target[pixel * channels + c] = source[pixel] }
                }
            }
        }
        return replacingImages(result)
    }

    /// A seeded split into a training part and a validation part of `validationCount` images:
    /// a Fisher–Yates permutation of 0..<count (see `Sampler`) whose first `validationCount`
    /// entries form the validation part. Both parts keep the original order of their images.
    public func split<G: RandomNumberGenerator>(validationCount: Int, using generator: inout G,
                                                file: StaticString = #fileID, line: UInt = #line)
        -> (training: ImageDataset, validation: ImageDataset)
    {
        let (training, validation) = splitIndices(count: count, validationCount: validationCount, using: &generator,
                                                  operation: "ImageDataset.split", file: file, line: line)
        return (subset(training), subset(validation))
    }
}
