/// The contents of one data file, read front to back. A gzip file (first bytes 1f 8b) is
/// inflated as it is read, so a format reader checks its header before it asks for the body,
/// and the memory taken grows with the bytes that really arrive, never with what a header claims.
struct DataFileReader {
    /// The file's path as given, for error messages.
    let file: String
    /// The file as stored (compressed or not).
    private let stored: [UInt8]
    /// The read position in `stored` (plain files only).
    private var position = 0
    /// The inflater of a gzip file, nil for a plain file.
    private let inflater: GzipInflater?

    /// deflate cannot expand data more than 1032-fold (RFC 1951's longest match per shortest
    /// code), so a header that claims more than this times the compressed size is a lie.
    static let maximumDeflateRatio = 1032

    /// Opens the file at `path`.
    init(contentsOf path: String) throws {
        do {
            try self.init(bytes: readWholeFile(path), file: path)
        } catch let error as SystemError {
            throw DataError(.unreadable, file: path, error.message)
        }
    }

    /// Reads `bytes`, the contents of a file named `file`.
    init(bytes: [UInt8], file: String) throws {
        self.file = file
        stored = bytes
        inflater = GzipInflater.isGzip(bytes) ? try GzipInflater(bytes, file: file) : nil
    }

    /// An error of `kind` about this file.
    func error(_ kind: DataProblem, _ message: String) -> DataError { DataError(kind, file: file, message) }

    /// The next `count` bytes; `what` says what they are ("header says 60000 images of 28×28").
    /// Throws `truncated` when the file cannot hold them, before allocating anything for them.
    mutating func read(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        guard let inflater else {
            let remaining = stored.count - position
            guard count <= remaining else {
                throw error(.truncated, "truncated: \(what()) = \(count) bytes but \(remaining) remain")
            }
            defer { position += count }
            return Array(stored[position..<position + count])
        }
        let (limit, overflow) = stored.count.multipliedReportingOverflow(by: Self.maximumDeflateRatio)
        guard overflow || count <= limit else {
            throw error(.truncated, "truncated: \(what()) = \(count) bytes but a gzip file of \(stored.count) bytes inflates to at most \(limit)")
        }
        let bytes = try inflate(upTo: count, from: inflater)
        guard bytes.count == count else {
            throw error(.truncated, "truncated: \(what()) = \(count) bytes but \(bytes.count) remain")
        }
        return bytes
    }

    /// All remaining bytes, at most `maximum` of them (else `extraData`).
    mutating func readToEnd(maximum: Int) throws -> [UInt8] {
        guard let inflater else {
            defer { position = stored.count }
            guard stored.count - position <= maximum else { throw tooMuch(maximum) }
            return Array(stored[position...])
        }
        let bytes = try inflate(upTo: maximum, from: inflater)
        guard try inflate(upTo: 1, from: inflater).isEmpty else { throw tooMuch(maximum) }
        return bytes
    }

    /// Checks that nothing follows the data read so far (and, for gzip, that the stream ends
    /// with a valid checksum); `what` names those data ("60000 images of 28×28").
    mutating func expectEnd(after what: @autoclosure () -> String) throws {
        guard let inflater else {
            let extra = stored.count - position
            guard extra == 0 else { throw error(.extraData, "\(extra) bytes follow \(what())") }
            return
        }
        guard try inflate(upTo: 1, from: inflater).isEmpty else {
            throw error(.extraData, "the decompressed data go on after \(what())")
        }
    }

    private func tooMuch(_ maximum: Int) -> DataError {
        error(.extraData, "the data are larger than the limit of \(maximum) bytes")
    }

    /// Up to `count` inflated bytes. The result starts with room for a typical compression ratio
    /// and grows only as real data arrive, through a fixed scratch buffer.
    private func inflate(upTo count: Int, from inflater: GzipInflater) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 16 * stored.count + 1 << 16))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 1)
        defer { scratch.deallocate() }
        while bytes.count < count && !inflater.isFinished {
            let room = UnsafeMutableRawBufferPointer(rebasing: scratch.prefix(count - bytes.count))
            let produced = try inflater.inflate(into: room)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: room.prefix(produced)))
        }
        return bytes
    }
}
