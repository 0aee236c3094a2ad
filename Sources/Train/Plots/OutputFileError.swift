/// A plot or history file that could not be written; the message names the file and says why
/// in the system's words, for example `run/loss.svg: cannot be written: creating
/// run/.loss.svg.tmp-812-9f3a failed: No such file or directory`.
public typealias OutputFileError = FileError<OutputFileProblem>

/// What went wrong with a plot or history file (``OutputFileError``'s kind).
public enum OutputFileProblem: Hashable, Sendable {
    /// The file could not be written (nothing was replaced).
    case unwritable
}

/// Writes `text` to `path` atomically (a temporary file, then a rename); throws
/// ``OutputFileError``.
func writeText(_ text: String, to path: String) throws {
    do {
        try AtomicFile.replace(path) { try $0.append(Array(text.utf8)) }
    } catch let failure as SystemError {
        throw OutputFileError(.unwritable, file: path, "cannot be written: " + failure.message)
    }
}
