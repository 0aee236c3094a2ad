import FuzzSupport
import Train

/// The IDX readers (images and labels) on the fuzzer's bytes, plain or gzip (bytes 1f 8b): a
/// DataError, or for a plain file exactly its bytes as pixels or labels.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    checkIDXReaders(bytes(start, count))
    return 0
}
