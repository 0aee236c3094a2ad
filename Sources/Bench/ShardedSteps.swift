import Autograd
import KernelSupport

/// The variants of a benchmark's training step: the whole batch through every operation with
/// each operation split across the threads (`tape`, `compiled`), or the batch cut into
/// ``BatchShards`` that each thread takes from the forward pass through the backward pass,
/// their weighted gradients summed once per step (`sharded`, `sharded-compiled`).
enum StepVariant: String, CaseIterable {
    case tape, compiled, sharded
    case shardedCompiled = "sharded-compiled"

    /// Whether the forward and backward passes replay a ``CompiledFunction``.
    var isCompiled: Bool { self == .compiled || self == .shardedCompiled }
}

/// Gradients of a classifier's mean loss over a fixed batch of images and labels, computed shard
/// by shard (``BatchShards``) on tapes or on one ``CompiledFunction`` per shard.
enum ShardedSteps {
    /// A loss of parameters, images and labels, as the benchmarks write them.
    typealias Loss = @Sendable (_ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> Tensor<Float>

    /// The whole-batch gradient function of `loss` at `images`, `labels`, as `variant` computes
    /// it: `tape` and `compiled` on the whole batch, the sharded ones in shards of at least
    /// `minimumRows` examples (at most 4).
    static func gradient(_ variant: StepVariant, _ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int],
                         minimumRows: Int, loss: @escaping Loss) -> ([Tensor<Float>]) -> [Tensor<Float>] {
        let isSharded = variant == .sharded || variant == .shardedCompiled
        let shards = isSharded ? BatchShards(batchSize: labels.count, minimumRows: minimumRows) : BatchShards(batchSize: labels.count, count: 1)
        let parts = shards.ranges.map { rows in
            (images: images.slice(alongAxis: 0, from: rows.lowerBound, to: rows.upperBound), labels: Array(labels[rows]))
        }
        guard variant.isCompiled else {
            return { parameters in
                shards.combine(shards.map { shard, _ in
                    Autograd.gradient(at: parameters) { loss($0, parts[shard].images, parts[shard].labels) }
                })
            }
        }
        let functions = Unchecked(parts.map { compiledGradient(parameters, $0.images, $0.labels, loss: loss) })
        return { parameters in
            shards.combine(shards.map { shard, _ in
                let function = functions.value[shard]
                function.run(parameters + [parts[shard].images])
                return function.outputs
            })
        }
    }

    /// The gradient of `loss` at the parameters, compiled once for `images` and `labels` (the
    /// parameters and the images in, the gradients out) to be replayed.
    static func compiledGradient(_ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int],
                                 loss: @escaping Loss) -> CompiledFunction<Float> {
        CompiledFunction(state: [], inputs: parameters + [images]) { _, inputs in
            ([], Autograd.gradient(at: Array(inputs.dropLast())) { loss($0, inputs[inputs.count - 1], labels) })
        }
    }
}
