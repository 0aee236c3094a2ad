import Autograd

/// The binary cross-entropy of logits z against targets y ∈ [0, 1], averaged over the batch:
/// −(1/N) Σᵢ [yᵢ ln σ(zᵢ) + (1 − yᵢ) ln(1 − σ(zᵢ))], seed 003 (2.5)/(2.9) with ŷ = σ(z).
///
/// It is evaluated as the two-class softmax cross-entropy of the logits (0, z) against (1 − y, y)
/// (seed 003 (3.23): softmax(0, z) = (1 − σ(z), σ(z))), which never forms ln σ(z) directly, so
/// it stays finite for logits of any size. Gradient with respect to zᵢ: (σ(zᵢ) − yᵢ)/N.
/// `logits` and `targets` have shape [N] or [N, 1] (the same for both).
public func binaryCrossEntropy<Scalar: TensorScalar>(
    logits: Tensor<Scalar>, targets: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard logits.shape == targets.shape, isColumn(logits.shape) else {
        fatalError("binaryCrossEntropy: shapes \(logits.shape) and \(targets.shape) must be equal, [N] or [N, 1]",
                            file: file, line: line)
    }
    let y = targets.reshaped(to: [-1, 1])
    let pairs = matmul(y, Tensor([-1, 1], shape: [1, 2])) + Tensor([1, 0])
    return softmaxCrossEntropy(logits: twoClassLogits(logits), probabilities: pairs, file: file, line: line)
}

/// The binary cross-entropy of logits z ([N] or [N, 1]) against class labels 0 or 1 (an index
/// tensor of shape [N]).
public func binaryCrossEntropy<Scalar: TensorScalar>(
    logits: Tensor<Scalar>, labels: Tensor<Int32>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard isColumn(logits.shape), labels.shape == [logits.shape[0]], labels.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
        fatalError("binaryCrossEntropy: logits of shape \(logits.shape) need [N] or [N, 1] with N labels that are 0 or 1 (got labels of shape \(labels.shape))",
                            file: file, line: line)
    }
    return softmaxCrossEntropy(logits: twoClassLogits(logits), labels: labels, file: file, line: line)
}

/// The N × 2 logits (0, zᵢ) of a column of logits, built differentiably: z · [0 1].
func twoClassLogits<Scalar: TensorScalar>(_ logits: Tensor<Scalar>) -> Tensor<Scalar> {
    matmul(logits.reshaped(to: [-1, 1]), Tensor([0, 1], shape: [1, 2]))
}

/// Whether a shape is [N] or [N, 1].
func isColumn(_ shape: Shape) -> Bool { shape.rank == 1 || (shape.rank == 2 && shape[1] == 1) }

