#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the operating system on a file, described with the system's own words
/// (for example "No such file or directory"). Readers wrap it in their typed error.
struct SystemError: Error {
    /// What failed and why.
    let message: String

    /// A failure of `operation`, explained by the current `errno`.
    static func lastError(_ operation: String) -> SystemError {
        SystemError(message: "\(operation) failed: \(String(cString: strerror(errno)))")
    }
}

/// The whole contents of the regular file at `path`. Devices, pipes and directories are refused,
/// so a hostile path such as /dev/zero cannot make a reader allocate without end.
func readWholeFile(_ path: String) throws(SystemError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .lastError("open") }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .lastError("stat") }
    guard status.st_mode & S_IFMT == S_IFREG else { throw SystemError(message: "not a regular file") }
    let size = Int(status.st_size)
    var failure: SystemError?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        while count < size {
            let got = read(descriptor, buffer.baseAddress! + count, size - count)
            if got > 0 {
                count += got
            } else if got == 0 {
                return  // the file shrank while it was read: keep what is there
            } else if errno != EINTR {
                failure = .lastError("read")
                return
            }
        }
    }
    if let failure { throw failure }
    return bytes
}
