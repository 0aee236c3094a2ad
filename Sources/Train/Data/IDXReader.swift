import Autograd

/// Reads IDX files, the format of MNIST and Fashion-MNIST: the magic number `00 00 08 r`
/// (unsigned bytes, r dimensions), r big-endian 32-bit dimensions, then the bytes row-major.
/// Images have r = 3 (count, rows, columns), labels r = 1. Plain or gzip-compressed files
/// (detected by the bytes 1f 8b) are both read. Every reader throws ``DataError``.
public enum IDX {
    /// The images of an IDX image file as `[count, rows, columns, 1]`, pixels scaled into 0...1.
    public static func images(contentsOf path: String) throws -> Tensor<Float> {
        var reader = try DataFileReader(contentsOf: path)
        return try images(&reader)
    }

    /// The images of an IDX image file held in `bytes`; `file` names it in errors.
    public static func images(bytes: [UInt8], file: String) throws -> Tensor<Float> {
        var reader = try DataFileReader(bytes: bytes, file: file)
        return try images(&reader)
    }

    /// The labels of an IDX label file, each checked to lie in `0..<classCount`.
    public static func labels(contentsOf path: String, classCount: Int = 10) throws -> [Int] {
        var reader = try DataFileReader(contentsOf: path)
        return try labels(&reader, classCount: classCount)
    }

    /// The labels of an IDX label file held in `bytes`; `file` names it in errors.
    public static func labels(bytes: [UInt8], file: String, classCount: Int = 10) throws -> [Int] {
        var reader = try DataFileReader(bytes: bytes, file: file)
        return try labels(&reader, classCount: classCount)
    }

    /// The images of an IDX image file as bytes, as stored: `pixels` row-major, `shape`
    /// `[count, rows, columns, 1]`.
    public static func imageBytes(contentsOf path: String) throws -> (pixels: [UInt8], shape: Shape) {
        var reader = try DataFileReader(contentsOf: path)
        let (bytes, layout, count) = try imageRecords(&reader)
        return (layout.interleaved(from: bytes, count: count), [count, layout.height, layout.width, 1])
    }

    private static func images(_ reader: inout DataFileReader) throws -> Tensor<Float> {
        let (bytes, layout, count) = try imageRecords(&reader)
        return layout.images(from: bytes, count: count)
    }

    /// The checked bytes of an image file, their layout and the number of images.
    private static func imageRecords(_ reader: inout DataFileReader) throws -> ([UInt8], PlanarByteImages, Int) {
        let dimensions = try header(&reader, rank: 3, content: "images")
        let (count, height, width) = (dimensions[0], dimensions[1], dimensions[2])
        guard height > 0, width > 0 else { throw reader.error(.badHeader, "bad header: images of \(height)×\(width)") }
        let what = "\(count) images of \(height)×\(width)"
        // One image's size first: with no images the total is 0 whatever the image size.
        let size = try byteCount([count, byteCount([height, width], what, reader)], what, reader)
        let bytes = try reader.read(size, "header says \(what)")
        try reader.expectEnd(after: what)
        return (bytes, PlanarByteImages(recordStride: height * width, pixelOffset: 0, height: height, width: width, channels: 1), count)
    }

    private static func labels(_ reader: inout DataFileReader, classCount: Int) throws -> [Int] {
        let count = try header(&reader, rank: 1, content: "labels")[0]
        let bytes = try reader.read(count, "header says \(count) labels")
        try reader.expectEnd(after: "\(count) labels")
        return try checkedLabels(bytes, count: count, classCount: classCount, reader: reader)
    }

    /// The dimensions, after checking the magic number (unsigned bytes, `rank` dimensions).
    private static func header(_ reader: inout DataFileReader, rank: Int, content: String) throws -> [Int] {
        let magic = try reader.read(4, "the IDX magic number")
        let expected: [UInt8] = [0, 0, 0x08, UInt8(rank)]
        guard magic == expected else {
            throw reader.error(.badMagic, "bad magic \(hex(magic)): expected \(hex(expected)) (IDX \(content): unsigned bytes, \(rank) dimension\(rank == 1 ? "" : "s"))")
        }
        let bytes = try reader.read(4 * rank, "the IDX header's \(rank) dimension\(rank == 1 ? "" : "s")")
        return (0..<rank).map { axis in bytes[4 * axis..<4 * axis + 4].reduce(0) { $0 << 8 | Int($1) } }
    }

    /// The product of `dimensions`, or `badHeader` when it does not fit in an `Int`.
    private static func byteCount(_ dimensions: [Int], _ what: String, _ reader: DataFileReader) throws -> Int {
        try dimensions.reduce(1) { product, dimension in
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw reader.error(.badHeader, "bad header: \(what) is more bytes than memory can address") }
            return result
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }
}

extension String {
    /// The string with leading zeros up to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
