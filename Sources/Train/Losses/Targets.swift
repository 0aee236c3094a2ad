import Autograd

/// What a batch of model outputs is compared with: class labels, or target tensors whose first
/// axis counts the examples (such as the seeds' netbp targets y = (1, 0) or (0, 1)).
public enum Targets<Scalar: TensorScalar>: Sendable {
    /// One class label per example, each in 0..<K: an index tensor of shape [N].
    case labels(Tensor<Int32>)
    /// A tensor with one row per example.
    case values(Tensor<Scalar>)

    /// The number of examples.
    public var count: Int {
        switch self {
        case .labels(let labels): labels.elementCount
        case .values(let values): values.rank == 0 ? 1 : values.shape[0]
        }
    }

    /// The targets of the examples at `indices`, in that order.
    public func gathering(_ indices: some Collection<Int>) -> Targets {
        switch self {
        case .labels(let labels):
            let all = labels.scalars
            return .labels(Tensor(indices.map { all[$0] }, shape: [indices.count]))
        case .values(let values): return .values(values.gatheringRows(indices))
        }
    }

    /// The class of each example: the label, the index of the largest entry of a target row
    /// with two or more entries, or 1 where a single-entry target exceeds ½ (0 otherwise).
    public var classLabels: [Int] {
        switch self {
        case .labels(let labels): labels.scalars.map(Int.init)
        case .values(let values): predictedClasses(binaryScores(values.reshaped(to: [count, -1]), threshold: 0.5))
        }
    }

    /// The targets as a tensor of the outputs' shape: labels become one-hot rows (or a column
    /// of 0 and 1 for single-column outputs).
    func tensor(shapedLike outputs: Shape, file: StaticString, line: UInt) -> Tensor<Scalar> {
        switch self {
        case .values(let values): return values
        case .labels(let labels):
            let columns = outputs.rank == 2 ? outputs[1] : 1
            guard outputs.first == labels.elementCount else {
                fatalError("loss: outputs of shape \(outputs) for labels of shape \(labels.shape)", file: file, line: line)
            }
            guard columns > 1 else { return Tensor<Scalar>(labels).reshaped(to: outputs) }
            return Tensor(oneHot: labels, classCount: columns, operation: "loss", file: file, line: line)
        }
    }
}

/// Scores whose predicted class is 1 exactly where a single-column `values` exceeds
/// `threshold`: the rows (threshold, v); other shapes are returned as they are.
func binaryScores<Scalar: TensorScalar>(_ values: Tensor<Scalar>, threshold: Scalar) -> Tensor<Scalar> {
    guard values.rank == 2, values.shape[1] == 1 else { return values }
    return twoClassLogits(values.detached) + Tensor([threshold, 0])
}

extension Tensor where Scalar: TensorScalar {
    /// The rows (entries along the first axis) at `indices`, in that order: a new tensor.
    func gatheringRows(_ indices: some Collection<Int>) -> Tensor {
        let rowShape = Array(shape.dimensions.dropFirst())
        let rowSize = rowShape.reduce(1, *)
        var result = Tensor.zeros(Shape([indices.count] + rowShape))
        result.withUnsafeMutableBufferPointer { target in
            withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    guard (0..<shape[0]).contains(index) else {
                        fatalError("gatheringRows: row \(index) is outside 0..<\(shape[0])")
                    }
                    guard rowSize > 0 else { continue }
                    (target.baseAddress! + row * rowSize).update(from: source.baseAddress! + index * rowSize, count: rowSize)
                }
            }
        }
        return result
    }
}
