#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// Removes the temporary files of `path` whose writer is no longer running: a write killed
    /// between creating its temporary file and the rename leaves one behind (a checkpoint's
    /// worth of bytes each). A file whose name holds the id of a running process is kept, since
    /// its write may still be going on; every other one (a writer that has ended, or a name
    /// without an id) is removed. Best effort: a folder that cannot be listed is left alone.
    static func removeStaleTemporaryFiles(of path: String) {
        let (folder, name) = split(path)
        let prefix = "." + name + ".tmp-"
        guard let listing = opendir(folder) else { return }
        defer { closedir(listing) }
        var stale: [String] = []
        while let entry = readdir(listing) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard entryName.hasPrefix(prefix), !isRunning(writerOf: entryName.dropFirst(prefix.count)) else { continue }
            stale.append(entryName)
        }
        for entryName in stale { unlink(folder + "/" + entryName) }
    }

    /// Whether the writer named in a temporary file's suffix `<pid>-<hex>` is a running process.
    private static func isRunning(writerOf suffix: Substring) -> Bool {
        let parts = suffix.split(separator: "-")
        guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
