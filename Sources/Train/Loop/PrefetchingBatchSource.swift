import Autograd
import Dispatch

/// A ``BatchSource`` that prepares the next batch of an epoch on another thread while the
/// training loop trains on the current one (one batch ahead). The batches are those of the
/// wrapped source, made by the same calls with the same arguments, so training gives the same
/// result bit for bit with and without prefetching. Make one with ``BatchSource/prefetching()``.
public struct PrefetchingBatchSource<Source: BatchSource & Sendable>: BatchSource, Sendable {
    /// The source that makes the batches.
    public let source: Source

    /// Prefetches the training batches of `source`.
    public init(_ source: Source) { self.source = source }

    /// The number of examples.
    public var count: Int { source.count }

    /// The source's batch, made on the calling thread (for validation and evaluation).
    public func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Source.Scalar> {
        source.trainingBatch(indices)
    }

    /// The source's batch of the training step at `position`, made on the calling thread.
    public func trainingBatch(_ indices: some Collection<Int>, at position: TrainingPosition) -> TrainingBatch<Source.Scalar> {
        source.trainingBatch(indices, at: position)
    }

    /// The batches of `plan`: when batch k is handed out, batch k + 1 starts on a serial
    /// background queue; asking for it waits until it is ready.
    public func batches(of plan: EpochPlan, epoch: Int) -> EpochBatches<Source.Scalar> {
        let queue = DispatchQueue(label: "SwiftAutograd.PrefetchingBatchSource")
        let slot = PreparedBatch<Source.Scalar>()
        let source = source
        func prepare(_ step: Int) {
            queue.async {
                slot.batch = source.trainingBatch(plan[step], at: plan.position(ofStep: step, epoch: epoch))
            }
        }
        var step = 0
        if !plan.isEmpty { prepare(0) }
        return EpochBatches {
            guard step < plan.count else { return nil }
            let batch = queue.sync { () -> TrainingBatch<Source.Scalar>? in
                defer { slot.batch = nil }
                return slot.batch
            }
            step += 1
            if step < plan.count { prepare(step) }
            return batch
        }
    }
}

extension BatchSource where Self: Sendable {
    /// This source with its next training batch prepared on another thread while the current one
    /// trains.
    public func prefetching() -> PrefetchingBatchSource<Self> { PrefetchingBatchSource(self) }
}

/// The batch the background queue prepared. Only code running on that serial queue reads or
/// writes `batch` (the preparing block, and the block the consumer runs with `queue.sync`),
/// so the accesses never overlap: that is why the class may be shared across threads.
private final class PreparedBatch<Scalar: TensorScalar>: @unchecked Sendable {
    var batch: TrainingBatch<Scalar>?
}
