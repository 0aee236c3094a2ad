#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader (or a run after a crash) finds either the old file or the
/// complete new one, never a mixture: the contents go to a temporary file in the same folder,
/// which is flushed to disk (`fsync`) and then renamed over the target; the folder is flushed
/// too, so the rename itself survives a power cut. A failure removes the temporary file; the
/// temporary files of writers that were killed are removed by the next write of the same file.
enum AtomicFile {
    /// Where the contents go while they are written.
    struct Sink {
        fileprivate let descriptor: Int32

        /// Appends `bytes` to the file.
        func append(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
            var written = 0
            while written < bytes.count {
                let result = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if result >= 0 {
                    written += result
                } else if errno != EINTR {
                    throw .lastError("write")
                }
            }
        }

        /// Appends `bytes` to the file.
        func append(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try append($0) }
        }
    }

    /// The temporary files of `path` are named `.<name>.tmp-<writer's process id>-<random hex>`.
    static func temporaryPrefix(for path: String) -> String {
        let (folder, name) = split(path)
        return folder + "/." + name + ".tmp-"
    }

    /// Replaces the file at `path` with what `body` writes to its sink, atomically.
    static func replace(_ path: String, with body: (Sink) throws -> Void) throws {
        removeStaleTemporaryFiles(of: path)
        let temporary = temporaryPrefix(for: path) + "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SystemError.lastError("creating \(temporary)") }
        var isOpen = true
        do {
            try body(Sink(descriptor: descriptor))
            guard fsync(descriptor) == 0 else { throw SystemError.lastError("fsync") }
            isOpen = false
            guard close(descriptor) == 0 else { throw SystemError.lastError("close") }
            guard rename(temporary, path) == 0 else { throw SystemError.lastError("renaming to \(path)") }
        } catch {
            if isOpen { close(descriptor) }
            unlink(temporary)
            throw error
        }
        synchroniseFolder(split(path).folder)
    }

    /// Flushes a folder's entries to disk (best effort: some file systems do not support it,
    /// and the new file is complete either way).
    private static func synchroniseFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The folder ("." for a bare name) and the name of `path`.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}
