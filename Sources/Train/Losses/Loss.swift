import Autograd

/// A loss function for the training loop: outputs of a model and the batch's ``Targets`` give
/// a single-element tensor to minimise, averaged over the batch.
public struct Loss<Scalar: TensorScalar>: Sendable {
    /// A short name for progress lines and plots.
    public let name: String
    /// For models with one output per example: the output value above which the example is
    /// predicted to be class 1 (0 for logits, ½ for probabilities). Outputs with several
    /// columns predict the class of their largest entry.
    public let decisionThreshold: Scalar
    private let function: @Sendable (Tensor<Scalar>, Targets<Scalar>, StaticString, UInt) -> Tensor<Scalar>
    /// For a loss that gives labels the same value as their target tensor: that tensor, for
    /// outputs of the given shape (nil for shapes the loss does not take). A compiled training
    /// step feeds it as an input (labels would become constants of the traced function).
    let labelTargets: (@Sendable (Tensor<Int32>, Shape) -> Tensor<Scalar>?)?

    /// A loss from a function of the outputs and the targets.
    public init(name: String, decisionThreshold: Scalar = 0.5,
                _ function: @escaping @Sendable (_ outputs: Tensor<Scalar>, _ targets: Targets<Scalar>) -> Tensor<Scalar>) {
        self.init(name: name, decisionThreshold: decisionThreshold) { outputs, targets, _, _ in function(outputs, targets) }
    }

    private init(name: String, decisionThreshold: Scalar,
                 labelTargets: (@Sendable (Tensor<Int32>, Shape) -> Tensor<Scalar>?)? = nil,
                 located function: @escaping @Sendable (Tensor<Scalar>, Targets<Scalar>, StaticString, UInt) -> Tensor<Scalar>) {
        self.name = name
        self.decisionThreshold = decisionThreshold
        self.labelTargets = labelTargets
        self.function = function
    }

    /// The loss of `outputs` against `targets`.
    public func callAsFunction(_ outputs: Tensor<Scalar>, _ targets: Targets<Scalar>,
                               file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
        function(outputs, targets, file, line)
    }

    /// Softmax cross-entropy of logits (N × K) against labels or target distributions, averaged
    /// over the batch (seed 003 (3.20); seeds 000 and 004 write the sum).
    public static var softmaxCrossEntropy: Loss {
        Loss(name: "cross-entropy", decisionThreshold: 0, labelTargets: { labels, outputs in
            outputs.rank == 2 && labels.shape == [outputs[0]] && outputs[1] > 0
                ? Tensor(oneHot: labels, classCount: outputs[1], operation: "softmaxCrossEntropy", file: #fileID, line: #line) : nil
        }, located: { outputs, targets, file, line in
            switch targets {
            case .labels(let labels): Autograd.softmaxCrossEntropy(logits: outputs, labels: labels, file: file, line: line)
            case .values(let values): Autograd.softmaxCrossEntropy(logits: outputs, probabilities: values, file: file, line: line)
            }
        })
    }

    /// Softmax cross-entropy of a language model's logits [B, T, V] against the next tokens'
    /// labels [B, T], averaged over all B·T positions: nats per token. Each position counts as an
    /// example (a batch's ``Targets/count`` is B·T), so the loop's accuracy is per token. Other
    /// shapes, or target values instead of labels, stop with both shapes.
    public static var nextTokenCrossEntropy: Loss {
        Loss(name: "next-token cross-entropy", decisionThreshold: 0, located: { outputs, targets, file, line in
            guard case .labels(let labels) = targets else {
                fatalError("nextTokenCrossEntropy: needs labels [B, T] of the next tokens, not target values", file: file, line: line)
            }
            guard outputs.rank == 3, labels.shape == [outputs.shape[0], outputs.shape[1]] else {
                fatalError("nextTokenCrossEntropy: logits of shape \(outputs.shape) and labels of shape \(labels.shape) differ "
                           + "(logits must be B × T × V with labels B × T)", file: file, line: line)
            }
            let positions = outputs.shape[0] * outputs.shape[1]
            return Autograd.softmaxCrossEntropy(logits: outputs.reshaped(to: [positions, outputs.shape[2]]),
                                                labels: Tensor(labels.scalars, shape: [positions]), file: file, line: line)
        })
    }

    /// The quadratic cost (1/N) Σ ½‖y − a‖² (seed 004 (3.3)); labels become one-hot targets.
    public static var meanQuadraticCost: Loss {
        Loss(name: "quadratic cost", decisionThreshold: 0.5, labelTargets: { labels, outputs in
            outputs.first == labels.elementCount ? Targets.labels(labels).tensor(shapedLike: outputs, file: #fileID, line: #line) : nil
        }, located: { outputs, targets, file, line in
            Train.meanQuadraticCost(outputs, targets.tensor(shapedLike: outputs.shape, file: file, line: line), file: file, line: line)
        })
    }

    /// Binary cross-entropy from logits ([N] or [N, 1]) against labels 0/1 or targets in [0, 1].
    public static var binaryCrossEntropy: Loss {
        Loss(name: "binary cross-entropy", decisionThreshold: 0, located: { outputs, targets, file, line in
            switch targets {
            case .labels(let labels): Train.binaryCrossEntropy(logits: outputs, labels: labels, file: file, line: line)
            case .values(let values): Train.binaryCrossEntropy(logits: outputs, targets: values, file: file, line: line)
            }
        })
    }

    /// The predicted class of each example from the model's outputs (see ``decisionThreshold``).
    public func predictedClasses(_ outputs: Tensor<Scalar>) -> [Int] {
        let count = outputs.rank == 0 ? 1 : outputs.shape[0]
        return Train.predictedClasses(binaryScores(outputs.detached.reshaped(to: [count, -1]), threshold: decisionThreshold))
    }
}
