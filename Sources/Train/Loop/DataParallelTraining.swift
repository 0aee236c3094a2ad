import Autograd
import Layers

extension Trainer {
    /// What `fit` checks with a ``dataParallel`` group before its first step: every process has
    /// the same parameter shapes, batch size, number of training examples and steps completed
    /// (else every process throws ``DataParallelError`` naming the ranks that differ from rank 0).
    /// Then every process takes rank 0's parameters.
    mutating func synchronize(_ group: any DataParallelGroup, trainingCount: Int, batchSize: Int) throws {
        let parameters = model.parameters
        let layout = parameters.map { "\($0.name):\($0.value.shape.dimensions)" }.joined(separator: ";")
        let checks: [(name: String, value: Double)] = [
            ("parameter shapes (hash)", Double(fingerprint48(layout))),
            ("parameter count", Double(parameters.reduce(0) { $0 + $1.value.elementCount })),
            ("batch size", Double(batchSize)),
            ("training examples", Double(trainingCount)),
            ("steps completed", Double(stepsCompleted)),
        ]
        var differences: [String] = []
        for check in checks {
            let values = try group.gathered(check.value)
            let ranks = values.indices.filter { values[$0] != values[0] }
            if !ranks.isEmpty {
                differences.append("\(check.name): " + ([0] + ranks).map { "\(values[$0].formatted) on rank \($0)" }.joined(separator: ", "))
            }
        }
        guard differences.isEmpty else {
            throw DataParallelError("the \(group.size) processes cannot train together: " + differences.joined(separator: "; ")
                                        + " (every process must build the same model and call fit with the same data and batch size)")
        }
        guard batchSize >= group.size else {
            throw DataParallelError("a batch of \(batchSize) cannot be split across \(group.size) processes: use a batch of at least \(group.size)")
        }
        let values = try group.broadcast(parameters.map(\.value), from: 0)
        if !group.isPrimary { model.replaceParameters(with: values) }
    }

    /// One training step as one of the group's processes: the gradient of this process's part
    /// of `batch`, summed over the processes with the weight of each part (started during the
    /// backward pass), and the metrics of the whole batch. A process whose loss or gradient
    /// is not finite stops every process: the report names the lowest such rank.
    mutating func dataParallelStep<Data: BatchSource>(
        _ group: any DataParallelGroup, training: Data, batch: some Collection<Int>, shapes: [Shape], info: [ParameterInfo],
        position: TrainingPosition
    ) throws -> (StepResult<Scalar>, RunningMetrics) where Data.Scalar == Scalar {
        let indices = Array(batch)
        let shard = group.shard(of: indices)
        group.beginGradientSum(shapes: shapes, weight: Double(shard.count) / Double(indices.count), of: Scalar.self)
        // Dropout masks come from a generator of this step and rank; the trainer's generator
        // (which orders the epochs) is left as a run without dropout leaves it, on every process.
        var local: StepResult<Scalar>
        var metrics = RunningMetrics(topK: topK)
        if shard.isEmpty {  // a short last batch with fewer examples than processes
            local = StepResult(loss: 0, outputs: Tensor.zeros([0]), gradients: shapes.map { Tensor.zeros($0) }, nonFinite: nil)
        } else {
            let part = training.trainingBatch(shard, at: position)
            var context = ForwardContext(isTraining: true, generator: SeededGenerator(seed: dropoutSeed(at: position, part: group.rank)))
            local = model.differentiate(part, loss: loss, penalty: (l2Penalty, training.count), info: info, position: position,
                                        context: &context) { group.gradientIsFinal($1, parameter: $0) }
            metrics.add(loss: local.loss, outputs: local.outputs, targets: part.targets, lossFunction: loss)
        }
        let gradients = try group.finishGradientSum(local.gradients)
        var status = metrics.sums + [Double](repeating: 0, count: group.size)
        if local.nonFinite != nil { status[metrics.sums.count + group.rank] = 1 }
        let summed = try group.sum(status)
        let total = RunningMetrics(topK: topK, sums: Array(summed.prefix(metrics.sums.count)))
        var report: NonFiniteReport?
        if var own = local.nonFinite {
            own.rank = group.rank
            report = own
        } else if let broken = summed.dropFirst(metrics.sums.count).firstIndex(where: { $0 != 0 }) {
            report = NonFiniteReport(position: position, loss: total.meanLoss, operation: nil, parameter: nil, updatedParameter: nil,
                                     rank: broken - metrics.sums.count)
        }
        return (StepResult(loss: total.meanLoss, outputs: local.outputs, gradients: gradients, nonFinite: report), total)
    }
}

/// A 48-bit FNV-1a hash of `text` (exact as a `Double`, so processes can compare it through a sum).
private func fingerprint48(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash >> 16
}

extension Double {
    /// Integral values without a fraction ("32", not "32.0").
    fileprivate var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}

extension RunningMetrics {
    /// The running sums as numbers: loss sum, examples, correct, top-k misses, whether top-k counts.
    var sums: [Double] { [lossSum, Double(examples), Double(correct), Double(topKMisses), hasTopK ? 1 : 0] }
}
