import Autograd

extension BatchSource {
    /// Calls `body` with the batches of at most `size` consecutive examples that cover the data
    /// in order, and the index of each batch's first example.
    func forEachConsecutiveBatch(size: Int, _ body: (_ start: Int, _ batch: TrainingBatch<Scalar>) throws -> Void) rethrows {
        for start in stride(from: 0, to: count, by: size) {
            try body(start, trainingBatch(start..<Swift.min(start + size, count)))
        }
    }

    /// Checks data before training on them, in one pass: at least one example (else `empty`),
    /// every input and target value finite (else `nonFinite`, naming the first example and
    /// element); `name` ("training data") stands for the file in errors. Returns the data's
    /// ``DataFingerprint``, which a checkpoint records so that a resumed run can tell whether
    /// it trains on the same examples.
    func checkedFingerprint(name: String) throws -> DataFingerprint {
        guard count > 0 else { throw DataError(.empty, file: name, "no examples to train on") }
        var fingerprint = DataFingerprint(count: count)
        try forEachConsecutiveBatch(size: 1024) { start, batch in
            func check(_ values: Tensor<Scalar>, _ part: String) throws {
                guard let (index, value) = values.firstNonFinite else { return }
                let perExample = Swift.max(values.elementCount / batch.count, 1)
                throw DataError(.nonFinite, file: name,
                                "example \(start + index / perExample) holds \(value) at element \(index % perExample) of its \(part)")
            }
            try check(batch.inputs, "input")
            fingerprint.add(batch.inputs)
            switch batch.targets {
            case .labels(let labels):
                for label in labels.scalars { fingerprint.add(UInt64(bitPattern: Int64(label))) }
            case .values(let values):
                try check(values, "target")
                fingerprint.add(values)
            }
        }
        return fingerprint
    }
}

/// What identifies a dataset's contents: its number of examples and a 64-bit hash of every
/// input and target, in order (FNV-1a's step, on 64-bit words of the values' bytes). Equal data
/// give equal fingerprints; a change anywhere gives another one but for a 2⁻⁶⁴ chance.
struct DataFingerprint: Hashable, CustomStringConvertible {
    let count: Int
    private var hash: UInt64 = 0xCBF2_9CE4_8422_2325

    init(count: Int) { self.count = count }

    /// Adds one 64-bit word.
    mutating func add(_ word: UInt64) { hash = (hash ^ word) &* 0x100_0000_01B3 }

    /// Adds the bytes of every element of `tensor`.
    mutating func add<Scalar>(_ tensor: Tensor<Scalar>) {
        tensor.withUnsafeBufferPointer { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            var offset = 0
            while offset + 8 <= bytes.count {
                add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            if offset < bytes.count { add(bytes[offset...].reversed().reduce(0) { $0 << 8 | UInt64($1) }) }
        }
    }

    /// "1000 examples, fingerprint 0123456789abcdef".
    var description: String {
        let hex = String(hash, radix: 16)
        return "\(count) examples, fingerprint \(String(repeating: "0", count: 16 - hex.count) + hex)"
    }
}
