extension SafeTensors {
    /// Reads and checks a safetensors file held in `bytes`; `file` names it in errors.
    ///
    /// Checked, before anything is allocated for it: the header length against the file length
    /// and ``maximumHeaderSize``; the header is well-formed JSON (any key order, no duplicate
    /// names), every entry has exactly a known dtype, a shape of non-negative integers and two
    /// data offsets; each tensor's byte count is its element count times its dtype's size; the
    /// tensors, ordered by offset, start at 0 and follow each other without gap or overlap up to
    /// exactly the end of the file. The tensors keep the order of their data.
    public init(decoding bytes: [UInt8], file: String = "<memory>") throws {
        func failure(_ kind: CheckpointProblem, _ message: String) -> CheckpointError { CheckpointError(kind, file: file, message) }
        guard bytes.count >= 8 else {
            throw failure(.truncated, "truncated: \(bytes.count) bytes, fewer than the 8-byte header length")
        }
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length > 0, length <= UInt64(Self.maximumHeaderSize) else {
            throw failure(.badHeader, "bad header length \(length) (allowed 1...\(Self.maximumHeaderSize))")
        }
        guard length <= UInt64(bytes.count - 8) else {
            throw failure(.truncated, "truncated: header length \(length) but only \(bytes.count - 8) bytes follow")
        }
        let headerEnd = 8 + Int(length)
        guard bytes[8] == UInt8(ascii: "{") else { throw failure(.badHeader, "the header does not start with {") }
        let header: JSON
        do {
            header = try JSON.parse(bytes[8..<headerEnd])
        } catch {
            throw failure(.badHeader, "header is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let members) = header else { throw failure(.badHeader, "the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var entries: [(name: String, entry: Entry)] = []
        for (name, value) in members {
            if name == Self.metadataKey {
                metadata = try value.stringMembers { failure(.badHeader, "__metadata__ \($0)") }
            } else {
                entries.append((name, try Entry(name: name, value, failure)))
            }
        }
        entries.sort { ($0.entry.begin, $0.entry.end) < ($1.entry.begin, $1.entry.end) }
        let dataCount = bytes.count - headerEnd
        var position = 0
        for (name, entry) in entries {
            guard entry.begin == position else {
                throw failure(.badOffsets, "tensor \"\(name)\": data_offsets [\(entry.begin), \(entry.end)] \(entry.begin > position ? "leave a gap after" : "overlap") the data before them, which end at \(position)")
            }
            guard entry.end <= dataCount else {
                throw failure(.truncated, "truncated: tensor \"\(name)\" ends at data byte \(entry.end) but the file holds \(dataCount) data bytes")
            }
            position = entry.end
        }
        guard position == dataCount else {
            throw failure(.badOffsets, "the tensors cover \(position) data bytes but the file holds \(dataCount)")
        }

        self.init(metadata: metadata, source: file)
        for (name, entry) in entries {
            let range = headerEnd + entry.begin..<headerEnd + entry.end
            append(StoredTensor(dtype: entry.dtype, shape: entry.shape, bytes: Array(bytes[range])), named: name)
        }
    }

    /// A tensor's header entry, checked on its own.
    private struct Entry {
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int

        init(name: String, _ value: JSON, _ failure: (CheckpointProblem, String) -> CheckpointError) throws {
            func bad(_ message: String) -> CheckpointError { failure(.badEntry, "tensor \"\(name)\": \(message)") }
            guard case .object(let fields) = value else { throw bad("the entry is \(value.kindName), not an object") }
            let keys = fields.map(\.key)
            guard keys.sorted() == ["data_offsets", "dtype", "shape"] else {
                throw bad("fields \(keys.sorted()), expected exactly dtype, shape and data_offsets")
            }
            let field = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
            guard case .string(let dtypeName) = field["dtype"]!, let dtype = DType(rawValue: dtypeName) else {
                throw bad("unknown dtype \(field["dtype"]!.encoded) (known: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let shape = try Self.naturals(field["shape"]!, "shape", bad)
            let offsets = try Self.naturals(field["data_offsets"]!, "data_offsets", bad)
            guard offsets.count == 2, offsets[0] <= offsets[1] else {
                throw failure(.badOffsets, "tensor \"\(name)\": data_offsets \(offsets) are not [begin, end] with begin ≤ end")
            }
            let elements = shape.reduce((1, false)) { product, dimension in
                let (result, overflow) = product.0.multipliedReportingOverflow(by: dimension)
                return (result, product.1 || overflow)
            }
            let (size, overflow) = elements.0.multipliedReportingOverflow(by: dtype.byteSize)
            guard !elements.1, !overflow, size == offsets[1] - offsets[0] else {
                throw failure(.sizeMismatch, "tensor \"\(name)\": data_offsets \(offsets) hold \(offsets[1] - offsets[0]) bytes but shape \(shape) of \(dtype.rawValue) needs \(elements.1 || overflow ? "more than memory holds" : String(size))")
            }
            (self.dtype, self.shape, begin, end) = (dtype, shape, offsets[0], offsets[1])
        }

        /// An array of non-negative integers.
        private static func naturals(_ value: JSON, _ field: String, _ bad: (String) -> CheckpointError) throws -> [Int] {
            guard case .array(let elements) = value else { throw bad("\(field) is \(value.kindName), not an array") }
            return try elements.map { element in
                guard case .integer(let number) = element, number >= 0 else {
                    throw bad("\(field) holds \(element.encoded), not a non-negative integer")
                }
                return number
            }
        }
    }
}
