import CMPI

/// An MPI call that failed: the communicator returns errors (`MPI_ERRORS_RETURN`) instead of
/// aborting, and each becomes this error.
public struct MPIError: Error, CustomStringConvertible {
    /// The MPI function that failed, such as `MPI_Allreduce`.
    public let operation: String
    /// MPI's error code.
    public let code: Int32
    /// The rank of the process that saw the error (-1 before MPI knows it).
    public let rank: Int
    /// MPI's description of the code (`MPI_Error_string`).
    public let reason: String

    /// The error of `operation` returning `code` on `rank`.
    public init(_ operation: String, code: Int32, rank: Int) {
        self.operation = operation
        self.code = code
        self.rank = rank
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        reason = MPI_Error_string(code, &text, &length) == cmpi_success()
            ? String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown error"
    }

    public var description: String {
        "\(operation) failed on rank \(rank): \(reason) (MPI error \(code))"
    }
}

/// Throws ``MPIError`` unless `code` is `MPI_SUCCESS`.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String, rank: Int) throws {
    guard code == cmpi_success() else { throw MPIError(operation(), code: code, rank: rank) }
}
