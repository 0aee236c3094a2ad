import KernelSupport

// What the direct convolution kernels read: images placed in zero frames (so that no window
// ever leaves its frame and the inner loops need no bounds checks), and filters packed into
// panels of one vector of output channels.

/// A batch of NHWC images (of `height` × `width` pixels), or the images placed in zero frames
/// of that size.
struct ImageFrames<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    let batch: Int, height: Int, width: Int, channels: Int
    /// The rows and columns that can hold image values; every other one is zero.
    let contentRows: Range<Int>, contentColumns: Range<Int>

    /// The images themselves.
    init(images base: UnsafePointer<T>, _ shape: [Int]) {
        self.base = base
        (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        (contentRows, contentColumns) = (0..<height, 0..<width)
    }

    /// Frames at `base` of the placement's size, holding `shape` ([N, H, W, C]) images.
    init(frames base: UnsafePointer<T>, _ placement: FramePlacement, holding shape: [Int]) {
        self.base = base
        (batch, height, width, channels) = (shape[0], placement.height, placement.width, shape[3])
        contentRows = FramePlacement.content(of: shape[1], at: placement.top, spacing: placement.rowSpacing,
                                             frame: placement.height)
        contentColumns = FramePlacement.content(of: shape[2], at: placement.left, spacing: placement.columnSpacing,
                                                frame: placement.width)
    }
}

/// Where images go in their frames: image pixel (r, c) lands on frame pixel
/// (top + r·rowSpacing, left + c·columnSpacing), and frame pixels outside the frame are
/// dropped (a negative `top` crops). Spacing above 1 leaves zero rows and columns between
/// image pixels (the input gradient of a strided convolution).
struct FramePlacement {
    var height: Int, width: Int
    var top: Int, left: Int
    var rowSpacing: Int, columnSpacing: Int

    /// Whether the frames are the images themselves: no copy needed.
    func isIdentity(imageHeight: Int, imageWidth: Int) -> Bool {
        height == imageHeight && width == imageWidth && top == 0 && left == 0 && rowSpacing == 1 && columnSpacing == 1
    }

    /// The frame positions (along one axis) from the first to the last image position, for
    /// `count` image positions placed from `start` with `spacing`, within a frame of `frame`.
    static func content(of count: Int, at start: Int, spacing: Int, frame: Int) -> Range<Int> {
        let first = max(0, start), end = min(frame, start + (count - 1) * spacing + 1)
        return first..<max(first, end)
    }
}

extension Gemm {
    /// Writes images `images` of the NHWC batch `x` ([·, imageHeight, imageWidth, channels])
    /// into their frames at `frames` as `placement` says, zeros everywhere else.
    static func placeImages(_ x: UnsafePointer<T>, imageHeight: Int, imageWidth: Int, channels: Int,
                            into frames: UnsafeMutablePointer<T>, _ placement: FramePlacement, images: Range<Int>) {
        let p = placement
        let (framePitch, imagePitch) = (p.height * p.width * channels, imageHeight * imageWidth * channels)
        // Image columns that land inside the frame.
        let firstColumn = p.left >= 0 ? 0 : (-p.left + p.columnSpacing - 1) / p.columnSpacing
        let endColumn = min(imageWidth, p.width > p.left ? (p.width - p.left + p.columnSpacing - 1) / p.columnSpacing : 0)
        for image in images {
            let frame = frames + image * framePitch
            frame.update(repeating: 0, count: framePitch)
            for row in 0..<imageHeight {
                let frameRow = p.top + row * p.rowSpacing
                guard frameRow >= 0 && frameRow < p.height, firstColumn < endColumn else { continue }
                let source = x + image * imagePitch + (row * imageWidth + firstColumn) * channels
                let target = frame + (frameRow * p.width + p.left + firstColumn * p.columnSpacing) * channels
                if p.columnSpacing == 1 {
                    target.update(from: source, count: (endColumn - firstColumn) * channels)
                } else {
                    for column in 0..<(endColumn - firstColumn) {
                        (target + column * p.columnSpacing * channels).update(from: source + column * channels, count: channels)
                    }
                }
            }
        }
    }

    /// Packs a filter seen as w(i, j, c, o) = `base[i·strides.0 + j·strides.1 + c·strides.2 + o·strides.3]`
    /// (`height` × `width` × `inputs` × `outputs`) into panels of `nr` output channels:
    /// panel q holds, for each (i, j, c) in row-major order, w(i, j, c, q·nr ..< q·nr + nr),
    /// zeros past the last output channel.
    static func packFilter(_ base: UnsafePointer<T>, strides: (Int, Int, Int, Int),
                           height: Int, width: Int, inputs: Int, outputs: Int, into packed: UnsafeMutablePointer<T>) {
        var target = packed
        for first in stride(from: 0, to: outputs, by: nr) {
            let count = min(nr, outputs - first)
            for i in 0..<height {
                for j in 0..<width {
                    for c in 0..<inputs {
                        let source = base + i * strides.0 + j * strides.1 + c * strides.2 + first * strides.3
                        for o in 0..<count { target[o] = source[o * strides.3] }
                        (target + count).update(repeating: 0, count: nr - count)
                        target += nr
                    }
                }
            }
        }
    }
}
