import Autograd
import Layers

/// The loss and classification measurements of a model on a dataset.
public struct Evaluation: Hashable, Sendable {
    /// The loss averaged over the examples.
    public var loss: Double
    /// The fraction of examples classified correctly.
    public var accuracy: Double
    /// The fraction whose label is not among the k largest outputs (nil when the model has at
    /// most k outputs, where it would be 0).
    public var topKError: Double?
    /// The number of examples.
    public var count: Int
}

/// Sums over the examples of an epoch or a dataset, batch by batch.
struct RunningMetrics {
    let topK: Int
    private(set) var lossSum = 0.0
    private(set) var examples = 0
    private(set) var correct = 0
    private(set) var topKMisses = 0
    private(set) var hasTopK = false

    init(topK: Int) { self.topK = topK }

    /// Metrics whose running sums are `sums` (as ``sums`` gives them, for example added up over processes).
    init(topK: Int, sums: [Double]) {
        self.topK = topK
        (lossSum, examples, correct, topKMisses, hasTopK) = (sums[0], Int(sums[1]), Int(sums[2]), Int(sums[3]), sums[4] > 0)
    }

    /// Adds the batches that `other` counted.
    mutating func add(_ other: RunningMetrics) {
        lossSum += other.lossSum
        examples += other.examples
        correct += other.correct
        topKMisses += other.topKMisses
        hasTopK = hasTopK || other.hasTopK
    }

    /// Adds a batch: its mean loss, and its outputs against its targets.
    mutating func add<Scalar: TensorScalar>(loss: Double, outputs: Tensor<Scalar>, targets: Targets<Scalar>, lossFunction: Loss<Scalar>) {
        let count = targets.count
        lossSum += loss * Double(count)
        examples += count
        let labels = targets.classLabels
        // A language model's [B, T, V] with a label per position: each position is an example.
        let outputs = outputs.rank == 3 && outputs.shape[0] * outputs.shape[1] == count
            ? outputs.reshaped(to: [count, outputs.shape[2]]) : outputs
        if outputs.rank == 2, outputs.shape[1] > 1 {
            let ranks = labelRanks(scores: outputs, labels: labels)
            correct += ranks.count(where: { $0 == 0 })
            if outputs.shape[1] > topK {
                hasTopK = true
                topKMisses += ranks.count(where: { $0 >= topK })
            }
        } else {
            correct += zip(lossFunction.predictedClasses(outputs), labels).count(where: { $0 == $1 })
        }
    }

    var meanLoss: Double { examples == 0 ? .nan : lossSum / Double(examples) }
    var accuracy: Double { examples == 0 ? .nan : Double(correct) / Double(examples) }
    var topKError: Double? { hasTopK ? Double(topKMisses) / Double(examples) : nil }
}

extension Module {
    /// The loss, accuracy and top-k error of the model on `data` in inference mode (dropout
    /// off), in consecutive batches of `batchSize`.
    public func evaluate<Data: BatchSource>(
        on data: Data, loss: Loss<Scalar>, batchSize: Int = 256, topK: Int = 5
    ) -> Evaluation where Data.Scalar == Scalar {
        var metrics = RunningMetrics(topK: topK)
        forEachInferenceBatch(of: data, batchSize: batchSize) { batch, outputs in
            metrics.add(loss: Double(loss(outputs, batch.targets).scalar), outputs: outputs, targets: batch.targets,
                        lossFunction: loss)
        }
        return Evaluation(loss: metrics.meanLoss, accuracy: metrics.accuracy, topKError: metrics.topKError, count: metrics.examples)
    }

    /// The confusion matrix of the model's predictions on `data` (rows predicted, columns true:
    /// seed 004's convention); `loss` supplies the decision rule for single-output models.
    public func confusionMatrix<Data: BatchSource>(
        on data: Data, classNames: [String], loss: Loss<Scalar> = .softmaxCrossEntropy, batchSize: Int = 256
    ) -> ConfusionMatrix where Data.Scalar == Scalar {
        var matrix = ConfusionMatrix(classNames: classNames)
        forEachInferenceBatch(of: data, batchSize: batchSize) { batch, outputs in
            matrix.add(predicted: loss.predictedClasses(outputs), actual: batch.targets.classLabels)
        }
        return matrix
    }

    /// Runs the model in inference mode on consecutive batches of `data`.
    func forEachInferenceBatch<Data: BatchSource>(
        of data: Data, batchSize: Int, _ body: (TrainingBatch<Scalar>, Tensor<Scalar>) -> Void
    ) where Data.Scalar == Scalar {
        guard batchSize > 0 else { fatalError("evaluate: batchSize must be positive, not \(batchSize)") }
        var context = ForwardContext.inference
        data.forEachConsecutiveBatch(size: batchSize) { _, batch in body(batch, self(batch.inputs, context: &context)) }
    }
}
