import CZlib

/// `bytes` compressed as one gzip member by zlib (its default level), for the harness that
/// feeds every input through the readers' gzip path.
public func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    // windowBits 15 + 16: a gzip wrapper around the deflate data.
    guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                        zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("zlib: deflateInit2 failed") }
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    let status = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = UInt32(target.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END else { fatalError("zlib: deflate returned \(status)") }
    return Array(output.prefix(Int(stream.total_out)))
}
