import FuzzSupport
import Train

/// The safetensors reader (header and tensors) on the fuzzer's bytes: a CheckpointError, or a
/// file whose tensors fill their shapes, which encodes and reads back to the same tensors and
/// metadata, and whose typed accessors answer with a value or a CheckpointError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    answer(bytes(start, count), isTyped: { $0 is CheckpointError }) { input in
        let file = try SafeTensors(decoding: input, file: "fuzz")
        let again = try SafeTensors(decoding: file.encoded(), file: "encoded")
        require(again.metadata == file.metadata, "metadata changed in a round trip")
        require(Set(again.names) == Set(file.names) && again.names.count == file.names.count, "names changed in a round trip")
        for name in file.names {
            let stored = file[name]!
            require(stored.bytes.count == stored.elementCount * stored.dtype.byteSize, "\(name): bytes do not fill the shape")
            require(again[name] == stored, "\(name) changed in a round trip")
            for read in [{ _ = try file.tensor(name, as: Float.self) }, { _ = try file.tensor(name, as: Double.self) },
                         { _ = try file.int64s(name) }, { _ = try file.uint64s(name) }] {
                _ = answer([], isTyped: { $0 is CheckpointError }) { _ in try read() }
            }
        }
    }
}
