import Autograd
import Foundation

/// Counts of (predicted class, true class) pairs in seed 004's convention (Fig. 7.4): entry
/// (i, j) is "the number of occasions where the network predicted category i for an image from
/// category j", so **rows are predicted classes and columns are true classes** — the transpose
/// of scikit-learn's `confusion_matrix`.
///
/// Its ``description`` prints the matrix with the figure's "all" row and column: the "all" row
/// of column j gives the percentage of true class j classified correctly and wrongly; the "all"
/// column of row i gives how many examples were predicted as class i and the percentage of
/// those that are correct and wrong; the bottom-right corner gives the overall percentages.
public struct ConfusionMatrix: Hashable, Sendable, CustomStringConvertible {
    /// The class names, in label order.
    public let classNames: [String]
    /// `counts[i][j]`: examples of true class j predicted as class i.
    public private(set) var counts: [[Int]]

    /// An empty matrix for the named classes.
    public init(classNames: [String]) {
        guard !classNames.isEmpty else { fatalError("ConfusionMatrix: needs at least one class") }
        self.classNames = classNames
        counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    /// An empty matrix for `classes` classes named "0", "1", ….
    public init(classes: Int) { self.init(classNames: (0..<classes).map(String.init)) }

    /// The matrix of paired `predicted` and `actual` labels.
    public init(predicted: [Int], actual: [Int], classNames: [String], file: StaticString = #fileID, line: UInt = #line) {
        self.init(classNames: classNames)
        add(predicted: predicted, actual: actual, file: file, line: line)
    }

    /// The number of classes.
    public var classCount: Int { classNames.count }

    /// The number of examples of true class `actual` predicted as `predicted`.
    public subscript(predicted predicted: Int, actual actual: Int) -> Int { counts[predicted][actual] }

    /// Counts paired predicted and true labels.
    public mutating func add(predicted: [Int], actual: [Int], file: StaticString = #fileID, line: UInt = #line) {
        guard predicted.count == actual.count else {
            fatalError("ConfusionMatrix.add: \(predicted.count) predictions for \(actual.count) labels", file: file, line: line)
        }
        for (p, a) in zip(predicted, actual) {
            guard counts.indices.contains(p), counts.indices.contains(a) else {
                fatalError("ConfusionMatrix.add: label pair (\(p), \(a)) is outside 0..<\(classCount)", file: file, line: line)
            }
            counts[p][a] += 1
        }
    }

    /// Counts the predictions of `scores` (N × K) against `labels`.
    public mutating func add<Scalar: TensorScalar>(
        scores: Tensor<Scalar>, labels: [Int], file: StaticString = #fileID, line: UInt = #line
    ) {
        add(predicted: predictedClasses(scores, file: file, line: line), actual: labels, file: file, line: line)
    }

    /// The number of examples counted.
    public var total: Int { counts.joined().reduce(0, +) }
    /// The number of correct predictions (the diagonal).
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// The fraction of correct predictions (0 when empty).
    public var accuracy: Double { fraction(correct, of: total) ?? 0 }

    /// How many examples were predicted as class `i` (row sum, the "all" column's count).
    public func predictedCount(_ i: Int) -> Int { counts[i].reduce(0, +) }
    /// How many examples have true class `j` (column sum).
    public func actualCount(_ j: Int) -> Int { counts.reduce(0) { $0 + $1[j] } }
    /// Of the examples predicted as `i`, the fraction that are class `i` (precision), or nil if none.
    public func precision(_ i: Int) -> Double? { fraction(counts[i][i], of: predictedCount(i)) }
    /// Of the examples of true class `j`, the fraction predicted as `j` (recall), or nil if none.
    public func recall(_ j: Int) -> Double? { fraction(counts[j][j], of: actualCount(j)) }

    private func fraction(_ part: Int, of whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    /// The table: counts, the "all" column (count predicted, % correct/% wrong) and the "all"
    /// row (% correct/% wrong per true class, overall in the corner).
    public var description: String {
        func percentages(_ value: Double?) -> String {
            guard let value else { return "–" }
            return Self.percent(value) + "/" + Self.percent(1 - value)
        }
        let header = ["predicted \\ true"] + classNames + ["all"]
        var rows = [header]
        for i in counts.indices {
            rows.append([classNames[i]] + counts[i].map(String.init)
                        + ["\(predictedCount(i)) \(percentages(precision(i)))"])
        }
        rows.append(["all"] + counts.indices.map { percentages(recall($0)) }
                    + ["\(total) \(percentages(total == 0 ? nil : accuracy))"])
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        let lines = rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        return "Confusion matrix: rows are predicted classes, columns true classes; \"all\" cells give % correct/% wrong\n"
            + lines.joined(separator: "\n")
    }

    /// A fraction as a percentage with one decimal, such as "81.4%".
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
