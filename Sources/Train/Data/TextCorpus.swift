import Autograd

/// A text as a sequence of character ids, for a character-level language model. Characters are
/// bytes: a character's id is its position in ``vocabulary``.
public struct TextCorpus: Sendable {
    /// The characters, in increasing byte order; a character's id is its index here.
    public let vocabulary: [UInt8]
    /// The text, one id per byte.
    public let ids: [Int32]

    /// Newline and the 95 printable ASCII characters (space to `~`): the 96-character
    /// vocabulary of ../shared/peers/transformer.py's GPT.
    public static let printableASCII: [UInt8] = [10] + Array(32...126)

    /// The corpus of `bytes` (the contents of `file`, for error messages) over `vocabulary`, by
    /// default the distinct bytes of the text. Throws `empty` for a text of no bytes and
    /// `badValue`, naming the byte and its offset, for a byte outside a given vocabulary.
    public init(bytes: [UInt8], vocabulary: [UInt8]? = nil, file: String = "<memory>") throws {
        guard !bytes.isEmpty else { throw DataError(.empty, file: file, "the text holds no characters") }
        let vocabulary = vocabulary.map { Array(Set($0)).sorted() } ?? Array(Set(bytes)).sorted()
        var idOfByte = [Int32](repeating: -1, count: 256)
        for (id, byte) in vocabulary.enumerated() { idOfByte[Int(byte)] = Int32(id) }
        if let offset = bytes.firstIndex(where: { idOfByte[Int($0)] < 0 }) {
            throw DataError(.badValue, file: file, "byte \(bytes[offset]) at offset \(offset) is not in the vocabulary of \(vocabulary.count) characters")
        }
        self.vocabulary = vocabulary
        ids = bytes.map { idOfByte[Int($0)] }
    }

    /// The corpus of the file at `path`, as ``init(bytes:vocabulary:file:)`` reads bytes.
    /// Throws `unreadable` (with the command that fetches the data) when the file cannot be read.
    public init(contentsOf path: String, vocabulary: [UInt8]? = nil) throws {
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch {
            throw DataError(.unreadable, file: path, "\(error.message) (scripts/fetch-datasets.sh fetches the datasets)")
        }
        try self.init(bytes: bytes, vocabulary: vocabulary, file: path)
    }

    /// The text of `ids` (each in `0..<vocabulary.count`).
    public func text(of ids: some Sequence<Int32>) -> String {
        String(decoding: ids.map { vocabulary[Int($0)] }, as: UTF8.self)
    }

    /// The ids of `text`, or nil when it holds a character outside the vocabulary.
    public func ids(of text: String) -> [Int32]? {
        var ids: [Int32] = []
        for byte in text.utf8 {
            guard let id = vocabulary.firstIndex(of: byte) else { return nil }
            ids.append(Int32(id))
        }
        return ids
    }

    /// The ids of `text`; throws ``DataError`` `badValue` naming the first character outside the
    /// vocabulary and its offset, and `empty` for an empty text (`name` stands for the file).
    public func encoded(_ text: String, name: String = "text") throws -> [Int32] {
        guard !text.isEmpty else { throw DataError(.empty, file: name, "holds no characters") }
        guard let ids = ids(of: text) else {
            let bytes = Array(text.utf8)
            let offset = bytes.firstIndex { !vocabulary.contains($0) }!
            throw DataError(.badValue, file: name, "byte \(bytes[offset]) at offset \(offset) of \"\(text)\" is not in the vocabulary of \(vocabulary.count) characters")
        }
        return ids
    }

    /// The first part of the text for training and the last `heldOutFraction` of it (rounded
    /// down) for validation, as the GPT recipes hold out the end of the corpus.
    public func split(heldOutFraction: Double = 0.1) -> (training: ArraySlice<Int32>, validation: ArraySlice<Int32>) {
        precondition(heldOutFraction >= 0 && heldOutFraction < 1, "TextCorpus.split: held-out fraction \(heldOutFraction) is outside [0, 1)")
        let cut = ids.count - Int(Double(ids.count) * heldOutFraction)
        return (ids[..<cut], ids[cut...])
    }

    /// `count` windows of `length` ids drawn at random starting positions of `ids`, and the
    /// same windows one position later (each id's next one): inputs and targets `[count, length]`.
    public static func windows<G: RandomNumberGenerator>(
        _ count: Int, length: Int, from ids: ArraySlice<Int32>, using generator: inout G
    ) -> (inputs: Tensor<Int32>, targets: Tensor<Int32>) {
        precondition(count >= 0 && length > 0 && ids.count > length,
                     "TextCorpus.windows: \(count) windows of length \(length) need more than \(length) ids, not \(ids.count)")
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(count * length)
        targets.reserveCapacity(count * length)
        for _ in 0..<count {
            let start = ids.startIndex + Int.random(in: 0..<(ids.count - length), using: &generator)
            inputs += ids[start..<start + length]
            targets += ids[start + 1...start + length]
        }
        return (Tensor(inputs, shape: [count, length]), Tensor(targets, shape: [count, length]))
    }
}

extension Datasets {
    /// Shakespeare's complete works (5,057,198 bytes; `scripts/fetch-datasets.sh` fetches them)
    /// over the peers' 96-character vocabulary (``TextCorpus/printableASCII``).
    public static func shakespeare(file: String = cacheDirectory + "/shakespeare.txt") throws -> TextCorpus {
        try TextCorpus(contentsOf: file, vocabulary: TextCorpus.printableASCII)
    }
}
