import Autograd

/// Examples the training loop can draw mini-batches from: inputs whose first axis counts the
/// examples, and their ``Targets``.
public protocol BatchSource<Scalar> {
    /// The element type of the inputs.
    associatedtype Scalar: TensorScalar
    /// The number of examples.
    var count: Int { get }
    /// The inputs and targets of the examples at `indices`, in that order (an index may repeat).
    func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Scalar>
    /// The batch of the training step at `position`: ``trainingBatch(_:)`` unless the source
    /// changes training examples at random (``ImageBatches`` with an ``ImageAugmentation``),
    /// drawing its choices from the position alone.
    func trainingBatch(_ indices: some Collection<Int>, at position: TrainingPosition) -> TrainingBatch<Scalar>
    /// The batches of `plan`, epoch `epoch`, in order: what the training loop trains on. By
    /// default each is made when it is asked for; ``PrefetchingBatchSource`` makes the next one
    /// on another thread meanwhile.
    func batches(of plan: EpochPlan, epoch: Int) -> EpochBatches<Scalar>
}

extension BatchSource {
    /// ``trainingBatch(_:)``: the examples as they are.
    public func trainingBatch(_ indices: some Collection<Int>, at position: TrainingPosition) -> TrainingBatch<Scalar> {
        trainingBatch(indices)
    }

    /// The batches of `plan`, each made when it is asked for.
    public func batches(of plan: EpochPlan, epoch: Int) -> EpochBatches<Scalar> {
        var step = 0
        return EpochBatches {
            guard step < plan.count else { return nil }
            defer { step += 1 }
            return trainingBatch(plan[step], at: plan.position(ofStep: step, epoch: epoch))
        }
    }
}

/// The batches of one epoch, in order, as a ``BatchSource`` makes them.
public struct EpochBatches<Scalar: TensorScalar>: IteratorProtocol, Sequence {
    private let nextBatch: () -> TrainingBatch<Scalar>?

    /// Batches made by `next`, which returns nil after the last.
    public init(_ next: @escaping () -> TrainingBatch<Scalar>?) { nextBatch = next }

    /// The next batch, nil after the last.
    public mutating func next() -> TrainingBatch<Scalar>? { nextBatch() }
}

extension EpochPlan {
    /// The training position of `step` of this plan in epoch `epoch`.
    func position(ofStep step: Int, epoch: Int) -> TrainingPosition {
        TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: Swift.max(count, 1))
    }
}

/// A mini-batch as the training loop sees it.
public struct TrainingBatch<Scalar: TensorScalar>: Sendable {
    /// The inputs, first axis = examples.
    public var inputs: Tensor<Scalar>
    /// One target per example.
    public var targets: Targets<Scalar>

    /// A batch of `inputs` and `targets` (the same number of examples).
    public init(inputs: Tensor<Scalar>, targets: Targets<Scalar>) {
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of examples.
    public var count: Int { targets.count }
}

/// Examples held as tensors in memory: inputs (first axis = examples) and targets, such as the
/// ten points and targets of the seeds' netbp example.
public struct TensorDataset<Scalar: TensorScalar>: BatchSource, Sendable {
    /// All inputs.
    public let inputs: Tensor<Scalar>
    /// All targets.
    public let targets: Targets<Scalar>

    /// A dataset of `inputs` (rank ≥ 1) and as many `targets`.
    public init(inputs: Tensor<Scalar>, targets: Targets<Scalar>, file: StaticString = #fileID, line: UInt = #line) {
        guard inputs.rank >= 1, inputs.shape[0] == targets.count else {
            fatalError("TensorDataset: inputs of shape \(inputs.shape) need one row per target (\(targets.count) targets)",
                                file: file, line: line)
        }
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of examples.
    public var count: Int { targets.count }

    /// The rows of `inputs` and `targets` at `indices`.
    public func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Scalar> {
        TrainingBatch(inputs: inputs.gatheringRows(indices), targets: targets.gathering(indices))
    }
}

extension ImageDataset: BatchSource {
    /// The images (NHWC) and labels at `indices`.
    public func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Float> {
        let picked = batch(indices)
        return TrainingBatch(inputs: picked.images, targets: .labels(Tensor(picked.labels)))
    }
}
