import Autograd

/// Random changes of training images, drawn anew for every image of every batch: a random crop
/// with padding (the image is bordered by `cropPadding` pixels of a fill value and a window of
/// its own size is cut out at a random place, so it moves by up to `cropPadding` pixels in each
/// direction) and a horizontal flip (mirrored left–right with probability ½), in that order —
/// torchvision's `RandomCrop(size, padding)` followed by `RandomHorizontalFlip()`.
public struct ImageAugmentation: Hashable, Sendable {
    /// The border of the random crop, in pixels (0: no crop).
    public var cropPadding: Int
    /// Whether images are mirrored left–right with probability ½.
    public var flipsHorizontally: Bool
    /// The seed of the random choices; the choices of a training step come from it and the
    /// step's position alone (``generator(at:)``), so they do not depend on which thread
    /// prepares the batch, nor on anything drawn before.
    public var seed: UInt64

    /// An augmentation by a random crop with `cropPadding` pixels of border and, if asked, a
    /// horizontal flip.
    public init(cropPadding: Int = 0, flipsHorizontally: Bool = false, seed: UInt64 = 0,
                file: StaticString = #fileID, line: UInt = #line) {
        guard cropPadding >= 0 else { fatalError("ImageAugmentation: cropPadding \(cropPadding) is negative", file: file, line: line) }
        self.cropPadding = cropPadding
        self.flipsHorizontally = flipsHorizontally
        self.seed = seed
    }

    /// The generator of the random choices for the batch of the step at `position`: seeded with
    /// `seed` + 0x9E3779B97F4A7C15 · (global step) (wrapping).
    public func generator(at position: TrainingPosition) -> SeededGenerator {
        SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: position.globalStep))
    }

    /// `images` (NHWC) with every image augmented; pixels the crop uncovers take the value
    /// `fill[c]` of their channel (one value per channel). For each image in order it draws the
    /// crop's offsets dy and dx, each uniform in 0...2p (p = `cropPadding`, drawn only when
    /// p > 0), then the flip (the top bit of one word, when flipping): output pixel (y, x) is the
    /// input's (y + dy − p, x' + dx − p), x' = width − 1 − x when flipped, else x.
    public func applied(to images: Tensor<Float>, fill: [Float], using generator: inout SeededGenerator,
                        file: StaticString = #fileID, line: UInt = #line) -> Tensor<Float> {
        guard images.rank == 4, fill.count == images.shape[3] else {
            fatalError("ImageAugmentation.applied: images of shape \(images.shape) need rank 4 (NHWC) and one fill value per channel (\(fill.count) given)",
                       file: file, line: line)
        }
        let (count, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        guard cropPadding > 0 || flipsHorizontally, count > 0 else { return images }
        var result = images
        let imageSize = height * width * channels
        result.withUnsafeMutableBufferPointer { target in
            images.withUnsafeBufferPointer { source in
                for image in 0..<count {
                    let p = cropPadding
                    let dy = p > 0 ? uniformIndex(below: 2 * p + 1, using: &generator) - p : 0
                    let dx = p > 0 ? uniformIndex(below: 2 * p + 1, using: &generator) - p : 0
                    let flipped = flipsHorizontally && generator.next() >> 63 == 1
                    let base = image * imageSize
                    for y in 0..<height {
                        let sourceRow = y + dy
                        for x in 0..<width {
                            let sourceColumn = (flipped ? width - 1 - x : x) + dx
                            let to = base + (y * width + x) * channels
                            let isInside = (0..<height).contains(sourceRow) && (0..<width).contains(sourceColumn)
                            let from = base + (sourceRow * width + sourceColumn) * channels
                            for c in 0..<channels { target[to + c] = isInside ? source[from + c] : fill[c] }
                        }
                    }
                }
            }
        }
        return result
    }
}
