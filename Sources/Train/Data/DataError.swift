/// A data file that cannot be read as the dataset it should hold: missing, truncated, corrupt
/// or inconsistent. The message names the file and the problem, for example
/// `train-images-idx3-ubyte: truncated: header says 60000 images of 28×28 = 47040000 bytes but 1000 remain`.
public typealias DataError = FileError<DataProblem>

/// What is wrong with a data file (``DataError``'s kind).
public enum DataProblem: Hashable, Sendable {
    /// The file is missing or the operating system could not read it.
    case unreadable
    /// The file ends before the data its header (or its format) promises.
    case truncated
    /// The file does not start with the magic number of its format.
    case badMagic
    /// A header field is impossible (a zero or gigantic dimension, an unsupported element type).
    case badHeader
    /// The gzip stream cannot be decompressed (bad bits, failed checksum, data after its end).
    case corruptCompression
    /// A value in the data is outside its range (a label ≥ the class count, a pixel > its maximum)
    /// or cannot be parsed (a CSV field that is not a number).
    case badValue
    /// A CSV row has the wrong number of fields.
    case badRow
    /// The file holds more bytes than its header describes.
    case extraData
    /// Two files that belong together disagree (image and label counts).
    case mismatch
    /// The data hold no examples where some are needed (a training set of 0 images).
    case empty
    /// An input or target value is a NaN or an infinity.
    case nonFinite
}
