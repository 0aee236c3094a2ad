import KernelSupport

// The fused costs: softmax cross-entropy from logits and the quadratic cost.

/// The softmax cross-entropy of a batch of `logits` (N × K) against class `labels` (an index
/// tensor of shape [N], each in 0..<K), averaged over the batch: −(1/N) Σᵢ log softmax(zᵢ)[lᵢ].
/// Evaluated through log-softmax, so it stays finite for logits of any size. Its gradient with
/// respect to the logits is (p − y)/N (seed 003 (3.46), divided by N for the mean), y the
/// one-hot rows of the labels (constants: a compiled function keeps the labels it was traced with).
@_specialize(where Scalar == Float)
public func softmaxCrossEntropy<Scalar: TensorScalar>(
    logits: Tensor<Scalar>, labels: Tensor<Int32>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard logits.rank == 2, labels.shape == [logits.shape[0]] else {
        Tensor<Scalar>.shapeMismatch("softmaxCrossEntropy", logits.shape, labels.shape,
                                     "differ (logits must be N × K with one label per row)", file: file, line: line)
    }
    let targets = Tensor<Scalar>(oneHot: labels, classCount: logits.shape[1], operation: "softmaxCrossEntropy",
                                 file: file, line: line)
    return softmaxCrossEntropy(logits: logits, probabilities: targets, file: file, line: line)
}

/// ``softmaxCrossEntropy(logits:labels:file:line:)`` with the labels as integers.
public func softmaxCrossEntropy<Scalar: TensorScalar>(
    logits: Tensor<Scalar>, labels: [Int], file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    softmaxCrossEntropy(logits: logits, labels: Tensor(labels, file: file, line: line), file: file, line: line)
}

/// The softmax cross-entropy of `logits` (N × K) against target distributions `probabilities`
/// (N × K, rows summing to one), averaged over the batch: −(1/N) Σᵢ Σₖ yᵢₖ log softmax(zᵢ)ₖ.
/// Pullback: logits (p Σₖyₖ − y) ḡ/N, which is (p − y) ḡ/N for rows that sum to one; targets
/// −log p ḡ/N. Pushforward: Σ((p Σₖyₖ − y) ∘ ż − log p ∘ ẏ)/N.
@_specialize(where Scalar == Float)
public func softmaxCrossEntropy<Scalar: TensorScalar>(
    logits: Tensor<Scalar>, probabilities targets: Tensor<Scalar>,
    file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard logits.rank == 2, targets.shape == logits.shape else {
        Tensor<Scalar>.shapeMismatch("softmaxCrossEntropy", logits.shape, targets.shape,
                                     "differ (logits and targets must both be N × K)", file: file, line: line)
    }
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    let batch = Scalar(Swift.max(rows, 1))
    let forward: Forward<Scalar> = { inputs, output in
        output[0] = Scalar.kernels.crossEntropy(inputs.first, inputs.second, rows, classes) / batch
    }
    return .applying(.softmaxCrossEntropy, forward, to: logits, targets, shape: []) {
        let targetsAreRecorded = targets.isRecorded
        return DerivativeRules(
            pullback: { cotangent, _ in
                let scale = cotangent / batch
                return Tangents(logitsDirection(logits, targets) * scale,
                                targetsAreRecorded ? -(logits.logSoftmax(alongAxis: 1) * scale) : nil)
            },
            pushforward: { t, _ in
                addTangents(t.first.map { (logitsDirection(logits, targets) * $0).sum() },
                    t.second.map { -(logits.logSoftmax(alongAxis: 1) * $0).sum() }) / batch
            })
    }
}

/// The derivative of the summed cross-entropy with respect to the logits: p Σₖyₖ − y.
private func logitsDirection<Scalar: TensorScalar>(_ logits: Tensor<Scalar>, _ targets: Tensor<Scalar>) -> Tensor<Scalar> {
    logits.softmax(alongAxis: 1) * targets.sum(alongAxes: [1], keepingDimensions: true) - targets
}

/// The quadratic cost ½‖y − a‖² of a prediction `a` against a target `y` of the same shape,
/// summed over every element: the per-point cost C of seed 004 (5.1). The seeds' "scaled cost"
/// printed by both MATLAB listings is Σᵢ‖yᵢ − aᵢ‖² = 2 × this over the ten points, and their
/// Cost (2.6) is this divided by N. Pullback: a: ḡ(a − y), y: ḡ(y − a); pushforward: Σ(a − y)∘(ȧ − ẏ).
@_specialize(where Scalar == Float)
public func quadraticCost<Scalar: TensorScalar>(
    _ prediction: Tensor<Scalar>, _ target: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    guard prediction.shape == target.shape else {
        Tensor<Scalar>.shapeMismatch("quadraticCost", prediction.shape, target.shape, "differ", file: file, line: line)
    }
    let count = prediction.elementCount
    let forward: Forward<Scalar> = { inputs, output in
        output[0] = Scalar.kernels.squaredDistance(inputs.first, inputs.second, count) / 2
    }
    return .applying(.quadraticCost, forward, to: prediction, target, shape: []) {
        let targetIsRecorded = target.isRecorded
        return DerivativeRules(
            pullback: { cotangent, _ in
                let residual = prediction - target
                return Tangents(residual * cotangent, targetIsRecorded ? -(residual * cotangent) : nil)
            },
            pushforward: { t, _ in
                let residual = prediction - target
                let direction = addTangents(t.first, t.second.map { -$0 })
                return (residual * direction).sum()
            })
    }
}
