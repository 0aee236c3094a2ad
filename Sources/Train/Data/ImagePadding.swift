/// A border around images: `top` rows above, `bottom` below, `left` columns before and `right`
/// after each image.
public struct ImagePadding: Hashable, Sendable {
    /// Rows above the image.
    public var top: Int
    /// Rows below the image.
    public var bottom: Int
    /// Columns before the image.
    public var left: Int
    /// Columns after the image.
    public var right: Int

    /// A border of the given widths, each at least 0.
    public init(top: Int, bottom: Int, left: Int, right: Int, file: StaticString = #fileID, line: UInt = #line) {
        guard min(top, bottom, left, right) >= 0 else {
            fatalError("ImagePadding: negative padding \(top), \(bottom), \(left), \(right)", file: file, line: line)
        }
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// No border.
    public static let none = ImagePadding(top: 0, bottom: 0, left: 0, right: 0)

    /// The border that centres an image of `height` × `width` in a canvas of `canvasHeight` ×
    /// `canvasWidth` (MNIST's 28×28 in LeNet's 32×32: two pixels on each side); an odd difference
    /// puts the extra pixel at the bottom or right.
    public static func centring(height: Int, width: Int, inHeight canvasHeight: Int, width canvasWidth: Int,
                                file: StaticString = #fileID, line: UInt = #line) -> ImagePadding {
        let (extraRows, extraColumns) = (canvasHeight - height, canvasWidth - width)
        guard extraRows >= 0, extraColumns >= 0 else {
            fatalError("ImagePadding: images of \(height)×\(width) do not fit in \(canvasHeight)×\(canvasWidth)", file: file, line: line)
        }
        return ImagePadding(top: extraRows / 2, bottom: extraRows - extraRows / 2,
                            left: extraColumns / 2, right: extraColumns - extraColumns / 2)
    }

    /// The shape `[height, width, channels]` of a padded image of `imageShape`.
    func paddedShape(of imageShape: [Int]) -> [Int] {
        [imageShape[0] + top + bottom, imageShape[1] + left + right, imageShape[2]]
    }
}
