import Train

/// The fuzzer's input as bytes.
public func bytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// Runs one input through `read`: the reader must return a value that `read` finds correct
/// (checked with ``require(_:_:)``) or throw an error of the reader's own type, which `isTyped`
/// recognises. Any other error stops the process, which libFuzzer records as a crash, as it
/// does for a trap, an out-of-bounds access (AddressSanitizer) or a hang (its timeout).
public func answer(_ input: [UInt8], isTyped: (any Error) -> Bool, _ read: ([UInt8]) throws -> Void) -> Int32 {
    do {
        try read(input)
    } catch where isTyped(error) {
        return 0
    } catch {
        fatalError("untyped error \(type(of: error)): \(error)")
    }
    return 0
}

/// Stops the process with `message` (a crash for libFuzzer) unless `condition` holds: the check
/// that a value a reader returned is correct.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("wrong value: \(message())") }
}

/// Whether `error` is a reader's ``DataError``.
public func isDataError(_ error: any Error) -> Bool { error is DataError }

/// Whether `pixels` are `bytes` read into 0...1 (each byte b as b / 255), in order.
public func arePixels(_ pixels: [Float], of bytes: some Collection<UInt8>) -> Bool {
    pixels.count == bytes.count && zip(pixels, bytes).allSatisfy { $0 == Float($1) / 255 }
}
