import Autograd

/// How a convolution or pooling layer pads the images it slides over.
public enum PaddingMode: Hashable, Sendable {
    /// No padding: windows lie entirely inside the image.
    case valid
    /// Enough zeros that the output is ⌈input / stride⌉ in each direction (the input size itself
    /// for stride 1); an odd total puts the extra row and column at the bottom and right.
    case same
    /// The given padding on each side.
    case explicit(Padding)

    /// The same amount on all four sides (`.symmetric(2)` for a 5×5 filter that keeps the size).
    public static func symmetric(_ amount: Int) -> PaddingMode { .explicit(.symmetric(amount)) }
}

/// The window a convolution or pooling layer slides over NHWC images: its size, its strides and
/// its padding, and the output size that follows, ⌊(in + before + after − size) / stride⌋ + 1.
struct SlidingWindow: Sendable {
    var size: (height: Int, width: Int)
    var strides: (height: Int, width: Int)
    var padding: PaddingMode

    init(_ layer: String, size: (height: Int, width: Int), strides: (height: Int, width: Int), padding: PaddingMode,
         file: StaticString, line: UInt) {
        guard size.height > 0, size.width > 0, strides.height > 0, strides.width > 0 else {
            fatalError("\(layer): window \(size.height)×\(size.width) and strides \(strides.height)×\(strides.width) must be positive",
                                file: file, line: line)
        }
        if case .explicit(let p) = padding, [p.top, p.bottom, p.left, p.right].contains(where: { $0 < 0 }) {
            fatalError("\(layer): padding \(p) must not be negative", file: file, line: line)
        }
        (self.size, self.strides, self.padding) = (size, strides, padding)
    }

    /// The zeros added around an image of shape [N, H, W, C].
    func resolvedPadding(for input: Shape) -> Padding {
        switch padding {
        case .valid:
            return .valid
        case .explicit(let padding):
            return padding
        case .same:
            func split(_ extent: Int, _ size: Int, _ stride: Int) -> (Int, Int) {
                let output = (extent + stride - 1) / stride
                let total = Swift.max((output - 1) * stride + size - extent, 0)
                return (total / 2, total - total / 2)
            }
            let (top, bottom) = split(input[1], size.height, strides.height)
            let (left, right) = split(input[2], size.width, strides.width)
            return Padding(top: top, bottom: bottom, left: left, right: right)
        }
    }

    /// [N, Ho, Wo, `channels`] for an input [N, H, W, C], or nil when the input is not rank 4
    /// or the padded image is smaller than the window.
    func outputShape(for input: Shape, channels: Int) -> Shape? {
        guard input.rank == 4 else { return nil }
        let p = resolvedPadding(for: input)
        let (height, width) = (input[1] + p.top + p.bottom, input[2] + p.left + p.right)
        guard height >= size.height, width >= size.width else { return nil }
        return [input[0], (height - size.height) / strides.height + 1, (width - size.width) / strides.width + 1, channels]
    }

    /// The expected input in words: `[batch, height, width, channels] (padded image at least 5×5)`.
    func expectedInput(channels: String) -> String {
        "[batch, height, width, \(channels)] (padded image at least \(size.height)×\(size.width))"
    }

    /// `name` with the window in brackets, `detail` after the size: "Conv2D(5×5, 3 → 32, pad 2)",
    /// "MaxPool2D(2×2, stride 2)", "AvgPool2D(3×3, stride 2, same)".
    func describe(_ name: String, detail: String? = nil) -> String {
        var parts = ["\(size.height)×\(size.width)"] + (detail.map { [$0] } ?? [])
        if strides != (1, 1) {
            parts.append(strides.height == strides.width ? "stride \(strides.height)" : "stride \(strides.height)×\(strides.width)")
        }
        switch padding {
        case .valid: break
        case .same: parts.append("same")
        case .explicit(let p) where [p.bottom, p.left, p.right].allSatisfy({ $0 == p.top }):
            parts.append("pad \(p.top)")
        case .explicit(let p): parts.append("pad \(p.top),\(p.bottom),\(p.left),\(p.right)")
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}
