import FuzzSupport
import Train

/// The CIFAR-10 reader on the fuzzer's bytes, plain or gzip: a DataError, or for a plain file
/// its records exactly: the label bytes, and every pixel at its NHWC place.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR10(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes(start, count)
    let isPlain = !(input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B)
    return answer(input, isTyped: isDataError) { input in
        let dataset = try CIFAR10.dataset(bytes: input, file: "fuzz")
        require(dataset.images.shape == [dataset.count, 32, 32, 3], "images of shape \(dataset.images.shape)")
        require(dataset.labels.allSatisfy { (0..<10).contains($0) }, "a label outside 0..<10")
        guard isPlain else { return }
        require(dataset.count * CIFAR10.recordSize == input.count, "\(dataset.count) records from \(input.count) bytes")
        let pixels = dataset.images.scalars
        for image in 0..<dataset.count {
            let record = input[(image * CIFAR10.recordSize)...]
            require(dataset.labels[image] == Int(record.first!), "label of image \(image)")
            // NHWC: pixel p of channel c sits at p·3 + c of the image; the file holds channel planes.
            let inFileOrder = (0..<3).flatMap { c in (0..<1024).map { pixels[image * 3072 + $0 * 3 + c] } }
            require(arePixels(inFileOrder, of: record.dropFirst().prefix(3072)), "pixels of image \(image)")
        }
    }
}
