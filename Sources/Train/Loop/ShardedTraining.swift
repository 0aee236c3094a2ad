import Autograd
import Layers
import KernelSupport

extension Trainer {
    /// The shards a step of ``batchSharding`` cuts `batch` into, or nil when the step runs on
    /// the whole batch: sharding off, a batch too small for two shards (``BatchShards``'
    /// defaults), or a model with running statistics (BatchNorm in training mode normalises with
    /// the batch's statistics, which sharding would change).
    func batchShards(of batch: TrainingBatch<Scalar>) -> BatchShards? {
        guard batchSharding, model.state.isEmpty else { return nil }
        let shards = BatchShards(batchSize: batch.count)
        return shards.count > 1 ? shards : nil
    }

    /// One training step in this process with `batch` in `shards`: each shard's gradient of its
    /// own mean loss on a thread of its own (``BatchShards/map(_:)``), summed in shard order
    /// with the weight of each shard (``BatchShards/combine(_:)``), and the metrics of the
    /// whole batch. Dropout masks come from a generator of this step and shard, as the
    /// processes of a ``dataParallel`` group draw theirs; the trainer's generator is left as is.
    func shardedStep(
        _ batch: TrainingBatch<Scalar>, shards: BatchShards, trainingCount: Int, info: [ParameterInfo], position: TrainingPosition
    ) -> (StepResult<Scalar>, RunningMetrics) {
        let (model, loss, penalty, topK) = (model, loss, (l2Penalty, trainingCount), topK)
        let seeds = shards.ranges.indices.map { dropoutSeed(at: position, part: $0) }
        // The model is only read, each shard on a tape of its own: safe to share, though the
        // compiler cannot prove it of every `Module`.
        let train = Unchecked { (shard: Int, rows: Range<Int>) in
            let part = TrainingBatch(inputs: batch.inputs.gatheringRows(rows), targets: batch.targets.gathering(rows))
            var context = ForwardContext(isTraining: true, generator: SeededGenerator(seed: seeds[shard]))
            let result = model.differentiate(part, loss: loss, penalty: penalty, info: info, position: position, context: &context)
            var metrics = RunningMetrics(topK: topK)
            metrics.add(loss: result.loss, outputs: result.outputs, targets: part.targets, lossFunction: loss)
            return (result: result, metrics: metrics)
        }
        let parts = shards.map { train.value($0, $1) }
        var metrics = RunningMetrics(topK: topK)
        for part in parts { metrics.add(part.metrics) }
        let gradients = shards.combine(parts.map(\.result.gradients))
        let outputs = concatenate(parts.map(\.result.outputs), alongAxis: 0)
        return (StepResult(loss: metrics.meanLoss, outputs: outputs, gradients: gradients,
                           nonFinite: parts.lazy.compactMap(\.result.nonFinite).first), metrics)
    }

    /// The seed of the dropout masks of part `part` (a shard, or a process's rank) of the step
    /// at `position`: a mix of the trainer's generator (which orders the epochs and is left as
    /// a run without dropout leaves it), the step and the part.
    func dropoutSeed(at position: TrainingPosition, part: Int) -> UInt64 {
        let stepSeed = generator.stateWords.reduce(UInt64(position.globalStep)) { ($0 ^ $1) &* 0x100_0000_01b3 }
        return stepSeed ^ (UInt64(part) &* 0x9E37_79B9_7F4A_7C15)
    }
}
