/// A checkpoint that cannot be read or written: missing, truncated, malformed, or not what the
/// reader asked for. The message names the file and the problem, for example
/// `run.safetensors: tensor "w": data_offsets [0, 12] hold 12 bytes but shape [2] of F32 needs 8`.
public typealias CheckpointError = FileError<CheckpointProblem>

/// What is wrong with a checkpoint (``CheckpointError``'s kind).
public enum CheckpointProblem: Hashable, Sendable {
    /// The file is missing or the operating system could not read it.
    case unreadable
    /// The file could not be written (nothing was replaced).
    case unwritable
    /// The file ends before its header or its data.
    case truncated
    /// The header length is impossible or the header is not well-formed JSON of the format.
    case badHeader
    /// A tensor's entry is malformed: unknown dtype, bad shape, missing or extra fields.
    case badEntry
    /// The data offsets are out of range, out of order, overlapping or leave gaps.
    case badOffsets
    /// A tensor's byte count differs from its shape times its dtype's size.
    case sizeMismatch
    /// A tensor is stored with another element type than the one asked for.
    case dtypeMismatch
    /// A tensor has another shape than the one expected.
    case shapeMismatch
    /// A tensor or metadata entry that should be there is not.
    case missing
    /// A training state holds a NaN or an infinity: it is neither written nor restored.
    case nonFinite
    /// The run resumed from a checkpoint has other settings than the run that wrote it.
    case settingsMismatch
}
