import FuzzSupport
import Train

/// The CSV image reader on the fuzzer's bytes (plain or gzip), for 2×2 grey images of values
/// 0–255 and 10 classes (rows of five fields): a DataError, or one image per non-blank line
/// with pixels in 0...1 and labels in 0..<10.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes(start, count)
    let isPlain = !(input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B)
    let layout = CSVImageLayout(height: 2, width: 2, maximumValue: 255, classCount: 10)
    return answer(input, isTyped: isDataError) { input in
        let dataset = try CSVImages.dataset(bytes: input, file: "fuzz", layout: layout)
        require(dataset.images.shape == [dataset.count, 2, 2, 1], "images of shape \(dataset.images.shape)")
        require(dataset.images.scalars.allSatisfy { (0...1).contains($0) }, "a pixel outside 0...1")
        require(dataset.labels.allSatisfy { (0..<10).contains($0) }, "a label outside 0..<10")
        guard isPlain else { return }
        let rows = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).filter { line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }
        }
        require(rows.count == dataset.count, "\(dataset.count) images from \(rows.count) non-blank lines")
    }
}
