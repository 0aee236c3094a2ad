/// How training picks its examples: the seeds' three stochastic-gradient schemes
/// (MATH.md §5.2–5.4), plus plain in-order batches for evaluation.
public enum SamplingScheme: Hashable, Sendable {
    /// S4 (4.6): every step uses one example whose index is drawn uniformly from 0..<N,
    /// independently of earlier steps (with replacement). An epoch is N steps.
    case singleWithReplacement
    /// S4 (4.7): every epoch shuffles 0..<N and then uses each example once, one per step.
    case singleWithoutReplacement
    /// S4 (4.8): every step uses a mini-batch of `size` examples. With replacement, each of its
    /// indices is drawn uniformly and independently; an epoch is ⌈N/size⌉ steps (⌊N/size⌋ when
    /// the last batch is dropped). Without replacement, every epoch shuffles 0..<N and cuts the
    /// permutation into consecutive batches, so each example is used exactly once per epoch.
    case miniBatch(size: Int, withReplacement: Bool)
    /// No randomness: consecutive batches of `batchSize` in index order (evaluation, inference).
    case inOrder(batchSize: Int)
}

/// What happens to the last mini-batch of an epoch when `size` does not divide N.
public enum LastBatchPolicy: Hashable, Sendable {
    /// Keep it, shorter than the others (the default: every example is seen every epoch).
    case keep
    /// Drop it, so that every batch has the same size (the left-out examples differ from epoch
    /// to epoch when the order is shuffled).
    case drop
}

/// Draws the visiting order of each epoch for a dataset of `exampleCount` examples.
///
/// All randomness comes from the generator passed to ``epoch(using:)``; the same generator state
/// gives the same epoch. To resume a run in the middle of an epoch, keep the generator state
/// taken just before the call and the step reached.
public struct Sampler: Hashable, Sendable {
    /// N, the number of examples.
    public let exampleCount: Int
    /// The scheme.
    public let scheme: SamplingScheme
    /// What happens to a short last batch.
    public let lastBatch: LastBatchPolicy

    /// Creates a sampler; the batch size must be positive and the policy must leave at least one batch.
    public init(exampleCount: Int, scheme: SamplingScheme, lastBatch: LastBatchPolicy = .keep,
                file: StaticString = #fileID, line: UInt = #line) {
        self.exampleCount = exampleCount
        self.scheme = scheme
        self.lastBatch = lastBatch
        guard exampleCount > 0, batchSize > 0, stepsPerEpoch > 0 else {
            fatalError("Sampler: \(exampleCount) examples in batches of \(batchSize) with last batch policy \(lastBatch) give no batch",
                                file: file, line: line)
        }
    }

    /// The number of examples in a full batch.
    public var batchSize: Int {
        switch scheme {
        case .singleWithReplacement, .singleWithoutReplacement: 1
        case .miniBatch(let size, _), .inOrder(let size): size
        }
    }

    /// The number of steps (batches) in one epoch.
    public var stepsPerEpoch: Int {
        let (whole, remainder) = exampleCount.quotientAndRemainder(dividingBy: batchSize)
        return whole + (remainder > 0 && lastBatch == .keep ? 1 : 0)
    }

    /// The batches of the next epoch, drawing from `generator` (untouched by `.inOrder`).
    public func epoch<G: RandomNumberGenerator>(using generator: inout G) -> EpochPlan {
        let order: [Int]
        switch scheme {
        case .singleWithReplacement, .miniBatch(_, withReplacement: true):
            order = (0..<stepsPerEpoch * batchSize).map { _ in uniformIndex(below: exampleCount, using: &generator) }
        case .singleWithoutReplacement, .miniBatch(_, withReplacement: false):
            order = shuffledIndices(count: exampleCount, using: &generator)
        case .inOrder:
            order = Array(0..<exampleCount)
        }
        return EpochPlan(order: order, batchSize: batchSize, count: stepsPerEpoch)
    }
}

/// The batches of one epoch, as index lists into the dataset: batch `step` is
/// `order[step · batchSize ..< min((step + 1) · batchSize, order.count)]`.
public struct EpochPlan: RandomAccessCollection, Sendable {
    /// Every index the epoch visits, in visiting order.
    public let order: [Int]
    /// The size of a full batch.
    public let batchSize: Int
    /// The number of batches.
    public let endIndex: Int

    init(order: [Int], batchSize: Int, count: Int) {
        self.order = order
        self.batchSize = batchSize
        endIndex = count
    }

    /// The first step, 0.
    public var startIndex: Int { 0 }

    /// The indices of batch `step`.
    public subscript(step: Int) -> ArraySlice<Int> {
        precondition((0..<endIndex).contains(step), "EpochPlan: step \(step) is outside 0..<\(endIndex)")
        let start = step * batchSize
        return order[start..<Swift.min(start + batchSize, order.count)]
    }
}
