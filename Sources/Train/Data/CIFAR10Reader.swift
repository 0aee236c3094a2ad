
/// Reads CIFAR-10 binary batches (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`):
/// per image one label byte, then 1024 red, 1024 green and 1024 blue bytes, each plane 32×32
/// row-major. The images are converted once to NHWC `[count, 32, 32, 3]`, scaled into 0...1.
/// Gzip-compressed batches are read too. Every reader throws ``DataError``.
public enum CIFAR10 {
    /// The bytes of one record: the label and 3 × 32 × 32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32
    /// The class names, by label.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    /// The largest decompressed batch read, 1 GiB (the format has no header to check against).
    public static let maximumFileSize = 1 << 30

    /// The images and labels of one batch file.
    public static func dataset(contentsOf path: String) throws -> ImageDataset {
        var reader = try DataFileReader(contentsOf: path)
        return try dataset(fromRecords: records(&reader))
    }

    /// The images and labels of one batch file held in `bytes`; `file` names it in errors.
    public static func dataset(bytes: [UInt8], file: String) throws -> ImageDataset {
        var reader = try DataFileReader(bytes: bytes, file: file)
        return try dataset(fromRecords: records(&reader))
    }

    /// The records of several batch files as one dataset, in order, converted once.
    static func dataset(concatenating paths: [String]) throws -> ImageDataset {
        try dataset(fromRecords: records(concatenating: paths))
    }

    /// The records of several batch files as one dataset of bytes (NHWC), in order.
    static func byteDataset(concatenating paths: [String]) throws -> ByteImageDataset {
        let bytes = try records(concatenating: paths)
        let count = bytes.count / recordSize
        return ByteImageDataset(pixels: layout.interleaved(from: bytes, count: count), imageShape: [32, 32, 3],
                                labels: labels(ofRecords: bytes), classCount: 10)
    }

    /// The checked records of several batch files, back to back.
    private static func records(concatenating paths: [String]) throws -> [UInt8] {
        var bytes = [UInt8]()
        for path in paths {
            var reader = try DataFileReader(contentsOf: path)
            bytes += try records(&reader)
        }
        return bytes
    }

    /// The whole file, checked: whole records only, every label in 0..<10.
    private static func records(_ reader: inout DataFileReader) throws -> [UInt8] {
        let bytes = try reader.readToEnd(maximum: maximumFileSize)
        let (count, remainder) = bytes.count.quotientAndRemainder(dividingBy: recordSize)
        guard !bytes.isEmpty else { throw reader.error(.truncated, "truncated: the file is empty") }
        guard remainder == 0 else {
            throw reader.error(.truncated, "truncated: \(bytes.count) bytes hold \(count) whole records of \(recordSize) bytes and \(remainder) bytes of another")
        }
        _ = try checkedLabels(bytes, count: count, stride: recordSize, classCount: 10, reader: reader)
        return bytes
    }

    /// Checked records as a dataset.
    private static func dataset(fromRecords bytes: [UInt8]) -> ImageDataset {
        ImageDataset(images: layout.images(from: bytes, count: bytes.count / recordSize), labels: labels(ofRecords: bytes), classCount: 10)
    }

    /// The label byte of every checked record.
    private static func labels(ofRecords bytes: [UInt8]) -> [Int] {
        (0..<bytes.count / recordSize).map { Int(bytes[$0 * recordSize]) }
    }

    /// Where a record's pixels are.
    private static let layout = PlanarByteImages(recordStride: recordSize, pixelOffset: 1, height: 32, width: 32, channels: 3)
}
