import CZlib

/// Inflates an in-memory gzip file on demand, one output buffer at a time, so a reader can stop
/// (and fail) long before a hostile stream has expanded. Concatenated gzip members are read as
/// one stream, as `gunzip` does; bytes after the last member that are not another member are an
/// error. zlib checks every member's CRC-32 and length when the member ends.
final class GzipInflater {
    /// The compressed file, whole.
    private let input: [UInt8]
    /// How many input bytes zlib has consumed.
    private var consumed = 0
    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Whether the last member has ended and no input is left.
    private(set) var isFinished = false
    /// The file name for error messages.
    private let file: String

    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Prepares to inflate `input`, the whole contents of `file` (which must start with 1f 8b).
    init(_ input: [UInt8], file: String) throws {
        self.input = input
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: a gzip wrapper (header, CRC-32 and length trailer) around deflate data.
        guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw DataError(.corruptCompression, file: file, "zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Fills the start of `buffer` with the next inflated bytes and returns how many it wrote;
    /// fewer than `buffer.count` only at the end of the stream.
    func inflate(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count && !isFinished {
            let (status, produced) = step(into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
            written += produced
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                try startNextMember()
            case Z_BUF_ERROR where consumed == input.count:
                throw DataError(.truncated, file: file, "truncated: the gzip stream ends before its end marker")
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw DataError(.corruptCompression, file: file, "gzip stream corrupt (\(reason))")
            }
        }
        return written
    }

    /// One call of zlib's inflate into `output`: its status and how many bytes it produced.
    private func step(into output: UnsafeMutableRawBufferPointer) -> (status: Int32, produced: Int) {
        input.withUnsafeBufferPointer { source in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
            stream.pointee.avail_in = UInt32(clamping: source.count - consumed)
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(clamping: output.count)
            let offered = Int(stream.pointee.avail_in), room = Int(stream.pointee.avail_out)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            consumed += offered - Int(stream.pointee.avail_in)
            return (status, room - Int(stream.pointee.avail_out))
        }
    }

    /// After a member ends: finish if no input is left, start the next member if one follows,
    /// and refuse anything else.
    private func startNextMember() throws {
        let rest = Array(input[consumed...].prefix(2))
        if rest.isEmpty {
            isFinished = true
        } else if Self.isGzip(rest) {
            inflateReset(stream)
        } else {
            throw DataError(.corruptCompression, file: file,
                            "gzip stream corrupt: \(input.count - consumed) bytes of trailing data after the compressed stream")
        }
    }
}
