/// A file that cannot be used: its path, the class of problem and a message a user can act on,
/// for example `train-images-idx3-ubyte: truncated: header says 60000 images of 28×28 = 47040000
/// bytes but 1000 remain`. ``DataError`` and ``CheckpointError`` are its two kinds.
public struct FileError<Kind: Hashable & Sendable>: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the problem is in (its path as given, or a placeholder for bytes in memory).
    public let file: String
    /// The class of problem, for code that reacts to it.
    public let kind: Kind
    /// What is wrong.
    public let message: String

    /// Creates an error about `file`.
    public init(_ kind: Kind, file: String, _ message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }

    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}
