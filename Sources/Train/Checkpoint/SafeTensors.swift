import Autograd

/// Named tensors and string metadata in the safetensors format: an 8-byte little-endian header
/// length N, N bytes of JSON header (for each tensor `{"dtype", "shape", "data_offsets"}`, and
/// an optional `"__metadata__"` object of strings), then the tensors' bytes, contiguous, in order.
///
/// Reading checks everything before it trusts it (see Docs/Data.md) and throws
/// ``CheckpointError``; writing is atomic (a temporary file, `fsync`, then a rename).
public struct SafeTensors: Sendable {
    /// The tensor names in storage order.
    public private(set) var names: [String] = []
    private var storage: [String: StoredTensor] = [:]
    /// String metadata, stored under `"__metadata__"`.
    public var metadata: [String: String]
    /// The file this was read from, or `"<memory>"`, for error messages.
    public let source: String

    /// The key of the metadata object in the header.
    static let metadataKey = "__metadata__"
    /// The largest header read (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000

    /// An empty set of tensors with `metadata`.
    public init(metadata: [String: String] = [:]) {
        self.init(metadata: metadata, source: "<memory>")
    }

    init(metadata: [String: String], source: String) {
        self.metadata = metadata
        self.source = source
    }

    /// Adds `tensor` under `name`, after the tensors already there. Names are unique and not
    /// `"__metadata__"`.
    public mutating func append(_ tensor: StoredTensor, named name: String, file: StaticString = #fileID, line: UInt = #line) {
        guard storage[name] == nil, name != Self.metadataKey else {
            fatalError("SafeTensors.append: the name \"\(name)\" is \(name == Self.metadataKey ? "reserved" : "already used")", file: file, line: line)
        }
        names.append(name)
        storage[name] = tensor
    }

    /// The tensor stored under `name`, if any.
    public subscript(name: String) -> StoredTensor? { storage[name] }

    /// The tensor stored under `name`, or a `missing` error.
    public func stored(_ name: String) throws -> StoredTensor {
        guard let tensor = storage[name] else { throw error(.missing, "no tensor \"\(name)\" (the file has \(names.count): \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : ""))") }
        return tensor
    }

    /// The tensor `name` as a `Tensor<Scalar>`: it must be stored as F32 for `Float`, F64 for
    /// `Double`, and have `shape` when one is given.
    public func tensor<Scalar: TensorScalar>(_ name: String, as _: Scalar.Type = Scalar.self, shape: Shape? = nil) throws -> Tensor<Scalar> {
        let stored = try typed(name, .of(Scalar.self))
        if let shape, shape.dimensions != stored.shape {
            throw error(.shapeMismatch, "tensor \"\(name)\" has shape \(stored.shape), expected \(shape)")
        }
        return Tensor(stored.elements(as: Scalar.self), shape: Shape(stored.shape))
    }

    /// The elements of the I64 tensor `name`.
    public func int64s(_ name: String) throws -> [Int64] { try typed(name, .int64).elements(as: Int64.self) }

    /// The elements of the U64 tensor `name`.
    public func uint64s(_ name: String) throws -> [UInt64] { try typed(name, .uint64).elements(as: UInt64.self) }

    /// The metadata value of `key`, or a `missing` error.
    public func metadata(_ key: String) throws -> String {
        guard let value = metadata[key] else { throw error(.missing, "no metadata \"\(key)\"") }
        return value
    }

    private func typed(_ name: String, _ dtype: DType) throws -> StoredTensor {
        let tensor = try stored(name)
        guard tensor.dtype == dtype else { throw error(.dtypeMismatch, "tensor \"\(name)\" is stored as \(tensor.dtype.rawValue), not \(dtype.rawValue)") }
        return tensor
    }

    func error(_ kind: CheckpointProblem, _ message: String) -> CheckpointError {
        CheckpointError(kind, file: source, message)
    }
}

extension SafeTensors {
    /// The header: JSON padded with spaces so that the data start at a multiple of 8 bytes.
    var header: [UInt8] {
        var members: [(key: String, value: JSON)] = []
        if !metadata.isEmpty {
            members.append((Self.metadataKey, .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for name in names {
            let tensor = storage[name]!
            members.append((name, .object([("dtype", .string(tensor.dtype.rawValue)),
                                           ("shape", .array(tensor.shape.map { .integer($0) })),
                                           ("data_offsets", .array([.integer(offset), .integer(offset + tensor.bytes.count)]))])))
            offset += tensor.bytes.count
        }
        var json = Array(JSON.object(members).encoded.utf8)
        json += repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
    }

    /// The whole file's bytes.
    public func encoded() -> [UInt8] { names.reduce(header) { $0 + storage[$1]!.bytes } }

    /// Writes the file to `path` atomically: a reader sees the old file or the new one, and a
    /// failure leaves the old one (and no temporary file) behind. Throws `unwritable`.
    public func write(to path: String) throws {
        do {
            try AtomicFile.replace(path) { sink in
                try sink.append(header)
                for name in names { try sink.append(storage[name]!.bytes) }
            }
        } catch let failure as SystemError {
            throw CheckpointError(.unwritable, file: path, failure.message)
        }
    }

    /// Reads and checks the file at `path`.
    public init(contentsOf path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch {
            throw CheckpointError(.unreadable, file: path, error.message)
        }
        try self.init(decoding: bytes, file: path)
    }
}
