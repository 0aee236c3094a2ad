/// A history file that cannot be read back.
public struct HistoryCSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line (counted from 1) where the problem is.
    public var line: Int
    /// What is wrong.
    public var message: String

    public var description: String { "history CSV, line \(line): \(message)" }
}

extension History {
    /// The columns of ``csv``, in order.
    static let csvColumns = ["epoch", "learning_rate", "training_loss", "training_accuracy", "training_top_k_error",
                             "validation_loss", "validation_accuracy", "validation_top_k_error", "seconds"]

    /// One line per epoch under a header line: the epoch number (counted from 1), then the
    /// measurements of ``EpochRecord`` (fractions, not percentages); a missing measurement is an
    /// empty field. Numbers are written so that they read back exactly. The top-k columns hold
    /// errors for k = ``topK``.
    public var csv: String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for record in epochs {
            let fields: [Double?] = [record.learningRate, record.trainingLoss, record.trainingAccuracy, record.trainingTopKError,
                                     record.validationLoss, record.validationAccuracy, record.validationTopKError, record.seconds]
            lines.append(([String(record.epoch + 1)] + fields.map { $0.map { "\($0)" } ?? "" }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads the per-epoch records of a history written by ``csv``; throws
    /// ``HistoryCSVError`` naming the line of a malformed entry.
    public init(csv text: String) throws {
        self.init()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let header = lines.first, header.split(separator: ",", omittingEmptySubsequences: false).map(String.init) == Self.csvColumns else {
            throw HistoryCSVError(line: 1, message: "the header must be \(Self.csvColumns.joined(separator: ","))")
        }
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == Self.csvColumns.count else {
                throw HistoryCSVError(line: index + 1, message: "\(fields.count) fields instead of \(Self.csvColumns.count)")
            }
            func number(_ column: Int) throws -> Double? {
                guard !fields[column].isEmpty else { return nil }
                guard let value = Double(fields[column]) else {
                    throw HistoryCSVError(line: index + 1, message: "\(Self.csvColumns[column]) '\(fields[column])' is not a number")
                }
                return value
            }
            func required(_ column: Int) throws -> Double {
                guard let value = try number(column) else {
                    throw HistoryCSVError(line: index + 1, message: "\(Self.csvColumns[column]) is empty")
                }
                return value
            }
            guard let epoch = Int(fields[0]), epoch >= 1 else {
                throw HistoryCSVError(line: index + 1, message: "epoch '\(fields[0])' is not a positive integer")
            }
            epochs.append(EpochRecord(
                epoch: epoch - 1, learningRate: try required(1), trainingLoss: try required(2), trainingAccuracy: try required(3),
                trainingTopKError: try number(4), validationLoss: try number(5), validationAccuracy: try number(6),
                validationTopKError: try number(7), seconds: try required(8)))
        }
    }

    /// Writes ``csv`` to `path` atomically; throws ``OutputFileError``.
    public func writeCSV(to path: String) throws { try writeText(csv, to: path) }
}
