import KernelSupport

/// A batch's examples cut into contiguous shards that a training step can differentiate
/// independently, one shard per thread from the forward pass through the backward pass, then
/// combine: the gradient of a mean loss over the batch is Σₛ (nₛ / N) · gₛ, where gₛ is the
/// gradient of shard s's mean loss over its nₛ examples.
///
/// The shards depend on the batch size alone, never on the thread count, and ``combine(_:)``
/// sums in shard order, so a sharded step gives bit-identical results on 1, 2 or 64 threads
/// (with one thread the shards run one after the other). Against the unsharded step of the
/// same batch the weight gradients differ by rounding (another summation order).
///
/// ```swift
/// let shards = BatchShards(batchSize: labels.count)          // 64 examples: 4 shards of 16
/// let gradients = shards.combine(shards.map { _, rows in     // each shard on a thread of its own
///     let images = inputs.slice(alongAxis: 0, from: rows.lowerBound, to: rows.upperBound)
///     return gradient(at: weights) { softmaxCrossEntropy(logits: matmul(images, $0[0]), labels: Array(labels[rows])) }
/// })                                                          // the whole batch's gradient
/// ```
public struct BatchShards: Sendable, Hashable {
    /// The number of examples in the batch.
    public let batchSize: Int
    /// The examples of each shard, in order: disjoint, contiguous, covering `0..<batchSize`.
    public let ranges: [Range<Int>]

    /// The default shards of a batch: one per `minimumRows` examples (at least one), at most
    /// `maximumCount`, as equal as ``range(_:of:in:)`` makes them. The defaults (16 rows, 4
    /// shards) keep each shard's GEMMs wide enough to run at full speed on one thread and the
    /// gradient sum short; batches under 32 examples are not sharded.
    public init(batchSize: Int, minimumRows: Int = 16, maximumCount: Int = 4) {
        precondition(minimumRows >= 1 && maximumCount >= 1,
                     "BatchShards: minimumRows (\(minimumRows)) and maximumCount (\(maximumCount)) must be at least 1")
        self.init(batchSize: batchSize, count: max(1, min(maximumCount, batchSize / minimumRows)))
    }

    /// `count` shards of a batch of `batchSize` examples (an empty shard when there are more
    /// shards than examples).
    public init(batchSize: Int, count: Int) {
        precondition(batchSize >= 0 && count >= 1, "BatchShards: \(count) shards of \(batchSize) examples; use 1 or more shards")
        self.batchSize = batchSize
        ranges = (0..<count).map { Self.range($0, of: count, in: batchSize) }
    }

    /// Part `index` of `count` of the examples `0..<batchSize`: `batchSize / count` examples, one
    /// more for the first `batchSize % count` parts, so the parts are disjoint, contiguous, cover
    /// the batch and depend only on the batch size and the count.
    public static func range(_ index: Int, of count: Int, in batchSize: Int) -> Range<Int> {
        let (base, extra) = batchSize.quotientAndRemainder(dividingBy: count)
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// The number of shards.
    public var count: Int { ranges.count }

    /// Each shard's share of the batch, nₛ / N (0 for an empty batch): the weight of its gradient.
    public var weights: [Double] { ranges.map { batchSize == 0 ? 0 : Double($0.count) / Double(batchSize) } }

    /// `body(shard, rows)` for every shard, the results in shard order. With several shards they
    /// run concurrently on up to ``ComputeThreads/current`` threads, each shard on one thread
    /// with its kernels on that thread alone (`withThreadCount(1)`) and outside any enclosing
    /// recording scope (so each differentiates on a tape of its own); `body` must not touch what
    /// another shard's call writes. With one shard, `body` runs on the calling thread as it is,
    /// its kernels on the threads of the task.
    public func map<Result>(_ body: @escaping @Sendable (_ shard: Int, _ rows: Range<Int>) -> Result) -> [Result] {
        guard count > 1 else { return [body(0, ranges[0])] }
        let results = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { _ = results.deinitialize(); results.deallocate() }
        let slots = Unchecked(results)
        let ranges = ranges
        Self.runAlone(parts: count) { shard in slots.value[shard] = body(shard, ranges[shard]) }
        return results.map { $0! }
    }

    /// The whole batch's gradients from each shard's (`gradients[s][p]`: shard s, parameter p):
    /// Σₛ weightₛ · gradients[s][p], summed in shard order (the first shard's term, plus the
    /// second's, …, each product rounded before its sum), so the result is the same on any
    /// number of threads. One fork/join for all parameters, its parts ranges of at most
    /// ``combineChunk`` elements of one parameter, so that any number of threads shares the work
    /// evenly however unequal the parameters' sizes.
    public func combine<Scalar: TensorScalar>(_ gradients: [[Tensor<Scalar>]]) -> [Tensor<Scalar>] {
        precondition(gradients.count == count, "BatchShards.combine: \(gradients.count) gradient lists for \(count) shards")
        guard count > 1 else { return gradients[0] }
        let shapes = gradients[0].map(\.shape)
        for (shard, list) in gradients.enumerated() where list.map(\.shape) != shapes {
            preconditionFailure("BatchShards.combine: shard \(shard)'s gradients have shapes \(list.map(\.shape)), shard 0's \(shapes)")
        }
        let sums = shapes.map { Tensor<Scalar>(shape: $0, storage: .allocate(count: $0.elementCount)) }
        let chunks = shapes.indices.flatMap { parameter in
            stride(from: 0, to: shapes[parameter].elementCount, by: Self.combineChunk).map { start in
                (parameter: parameter, range: start..<Swift.min(start + Self.combineChunk, shapes[parameter].elementCount))
            }
        }
        let weights = weights.map { Scalar($0) }
        let sources = Unchecked(gradients.map { $0.map { $0.storage.rawElements.assumingMemoryBound(to: Scalar.self) } })
        let targets = Unchecked(sums.map { $0.storage.withBuffer { $0.baseAddress! } })
        let (unary, binary) = (Scalar.kernels.unary, Scalar.kernels.binary)
        withExtendedLifetime((gradients, sums)) {
            Self.runAlone(parts: chunks.count) { part in
                let (parameter, range) = chunks[part]
                let output = targets.value[parameter] + range.lowerBound
                unary(.scale(weights[0]), sources.value[0][parameter] + range.lowerBound, output, range.count)
                for shard in 1..<weights.count {
                    binary(.addScaled(weights[shard]), output, sources.value[shard][parameter] + range.lowerBound, output, range.count)
                }
            }
        }
        return sums
    }

    /// The most elements of one parameter that one part of ``combine(_:)`` sums (64 KB of
    /// `Float`s: a part stays in the L2 cache and costs well over a fork/join's fraction of a
    /// microsecond).
    public static let combineChunk = 16_384

    /// Runs `body(part)` for every part in one fork/join on the task's threads, each part with
    /// kernels on one thread and no recording scope.
    private static func runAlone(parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        WorkerPool.shared.run(parts: parts, threads: KernelThreads.current) { part in
            RecordingScope.$active.withValue(nil) {
                KernelThreads.$requested.withValue(1) { body(part) }
            }
        }
    }
}
