import FuzzSupport
import Train

/// The IDX readers through their gzip path: the fuzzer's bytes are an IDX file's contents,
/// compressed here by zlib. Reading the compressed file must give what reading the plain one
/// gives: the same images and labels, or errors of the same kind. (Contents that start with the
/// gzip magic are read as gzip themselves, one layer only, so they are not compared.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDXGzip(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let plain = bytes(start, count)
    checkIDXReaders(plain)
    guard !(plain.count >= 2 && plain[0] == 0x1F && plain[1] == 0x8B) else { return 0 }
    let compressed = gzipped(plain)
    func outcome<T: Equatable>(_ read: ([UInt8]) throws -> T, _ file: [UInt8]) -> Outcome<T> {
        do {
            return .value(try read(file))
        } catch let error as DataError {
            return .refused(error.kind)
        } catch {
            fatalError("untyped error \(type(of: error)): \(error)")
        }
    }
    let images: ([UInt8]) throws -> [Float] = { try IDX.images(bytes: $0, file: "fuzz").scalars }
    let labels: ([UInt8]) throws -> [Int] = { try IDX.labels(bytes: $0, file: "fuzz", classCount: 10) }
    let plainImages = outcome(images, plain), gzipImages = outcome(images, compressed)
    require(plainImages == gzipImages, "images: plain \(plainImages), gzip \(gzipImages)")
    let plainLabels = outcome(labels, plain), gzipLabels = outcome(labels, compressed)
    require(plainLabels == gzipLabels, "labels: plain \(plainLabels), gzip \(gzipLabels)")
    return 0
}

/// What a reader made of a file: a value, or a refusal of some kind.
enum Outcome<Value: Equatable>: Equatable {
    case value(Value)
    case refused(DataProblem)
}
