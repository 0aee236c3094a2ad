import Autograd
import KernelSupport

// Classification metrics from scores (logits or probabilities): one row per example, one
// column per class. The predicted class is the first largest score; the rank of the true label
// is the number of classes predicted before it, so rank < k means a top-k hit.

/// The predicted class of each row of `scores` (N × K): the index of the first largest score.
public func predictedClasses<Scalar: TensorScalar>(
    _ scores: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line
) -> [Int] {
    classify(scores, labels: nil, operation: "predictedClasses", file: file, line: line).predictions
}

/// The fraction of rows of `scores` (N × K) whose predicted class is the label.
public func accuracy<Scalar: TensorScalar>(
    scores: Tensor<Scalar>, labels: [Int], file: StaticString = #fileID, line: UInt = #line
) -> Double {
    1 - topKError(scores: scores, labels: labels, k: 1, file: file, line: line)
}

/// The fraction of rows of `scores` (N × K) whose label is not among the k largest scores.
/// Seed 004 (Fig. 7.2/7.3) reports the top-1 and the top-5 error.
public func topKError<Scalar: TensorScalar>(
    scores: Tensor<Scalar>, labels: [Int], k: Int, file: StaticString = #fileID, line: UInt = #line
) -> Double {
    guard k >= 1 else { fatalError("topKError: k must be at least 1, not \(k)", file: file, line: line) }
    let ranks = labelRanks(scores: scores, labels: labels, file: file, line: line)
    guard !ranks.isEmpty else { return 0 }
    return Double(ranks.count(where: { $0 >= k })) / Double(ranks.count)
}

/// The rank of each label among its row's scores: 0 when it is the predicted class, r when r
/// classes come before it (a larger score, or an equal score at a smaller index).
public func labelRanks<Scalar: TensorScalar>(
    scores: Tensor<Scalar>, labels: [Int], file: StaticString = #fileID, line: UInt = #line
) -> [Int] {
    classify(scores, labels: labels, operation: "labelRanks", file: file, line: line).ranks
}

/// Predictions and (when labels are given) label ranks, through the training kernels.
func classify<Scalar: TensorScalar>(
    _ scores: Tensor<Scalar>, labels: [Int]?, operation: String, file: StaticString, line: UInt
) -> (predictions: [Int], ranks: [Int]) {
    guard scores.rank == 2, scores.shape[1] > 0 else {
        fatalError("\(operation): scores of shape \(scores.shape) must be N × K with K ≥ 1", file: file, line: line)
    }
    let (rows, classes) = (scores.shape[0], scores.shape[1])
    if let labels {
        guard labels.count == rows else {
            fatalError("\(operation): \(labels.count) labels for \(rows) rows of scores \(scores.shape)", file: file, line: line)
        }
        if let bad = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            fatalError("\(operation): label \(labels[bad]) in row \(bad) is outside 0..<\(classes)", file: file, line: line)
        }
    }
    guard rows > 0 else { return ([], []) }
    var predictions = [Int](repeating: 0, count: rows)
    var ranks = [Int](repeating: 0, count: labels == nil ? 0 : rows)
    scores.withUnsafeBufferPointer { z in
        predictions.withUnsafeMutableBufferPointer { p in
            ranks.withUnsafeMutableBufferPointer { r in
                if let labels {
                    labels.withUnsafeBufferPointer { l in
                        Scalar.kernels.rank(z.baseAddress!, rows, classes, l.baseAddress, p.baseAddress!, r.baseAddress)
                    }
                } else {
                    Scalar.kernels.rank(z.baseAddress!, rows, classes, nil, p.baseAddress!, nil)
                }
            }
        }
    }
    return (predictions, ranks)
}
