import Foundation
import Testing
@testable import Autograd
import KernelSupport

// The example of Docs/Autograd.md, "Gradients of a batch in shards", verbatim between the marks
// (`docExampleIsThisCode` holds the two copies to each other).
// BEGIN Docs/Autograd.md
/// The gradient of a linear classifier's mean loss over `inputs`, shard by shard.
func shardedGradient(_ weights: [Tensor<Float>], _ inputs: Tensor<Float>, _ labels: [Int]) -> [Tensor<Float>] {
    let shards = BatchShards(batchSize: labels.count)          // 64 examples: 4 shards of 16
    return shards.combine(shards.map { _, rows in             // each shard on a thread of its own
        let part = inputs.slice(alongAxis: 0, from: rows.lowerBound, to: rows.upperBound)
        return gradient(at: weights) { softmaxCrossEntropy(logits: matmul(part, $0[0]), labels: Array(labels[rows])) }
    })
}
// END Docs/Autograd.md

@Suite("Batch shards: gradients of a batch computed shard by shard, one thread each")
struct BatchShardsTests {
    /// The mean softmax cross-entropy of a small ReLU network on `inputs`.
    static func loss(_ p: [Tensor<Double>], _ inputs: Tensor<Double>, _ labels: [Int]) -> Tensor<Double> {
        let hidden = matmul(inputs, p[0]).addingBias(p[1], rectified: true)
        return softmaxCrossEntropy(logits: matmul(hidden, p[2]).addingBias(p[3]), labels: labels)
    }

    static let parameters = [randomTensor([6, 8], seed: 1), randomTensor([8], seed: 2),
                             randomTensor([8, 3], seed: 3), randomTensor([3], seed: 4)]

    /// The rows `rows` of `tensor`.
    static func rows(_ tensor: Tensor<Double>, _ rows: Range<Int>) -> Tensor<Double> {
        tensor.slice(alongAxis: 0, from: rows.lowerBound, to: rows.upperBound)
    }

    /// Each shard's gradient of its mean loss, computed by `shards.map`.
    static func shardGradients(_ shards: BatchShards, _ inputs: Tensor<Double>, _ labels: [Int]) -> [[Tensor<Double>]] {
        shards.map { _, rows in gradient(at: parameters) { loss($0, Self.rows(inputs, rows), Array(labels[rows])) } }
    }

    @Test("shards are contiguous, disjoint, as equal as possible and cover the batch, empty batches included")
    func shardRanges() {
        for batchSize in [0, 1, 5, 31, 32, 33, 100, 128, 1000] {
            let shards = BatchShards(batchSize: batchSize)
            #expect(shards.count == max(1, min(4, batchSize / 16)), "batch \(batchSize)")
            #expect(shards.ranges.first?.lowerBound == 0 && shards.ranges.last?.upperBound == batchSize, "batch \(batchSize)")
            #expect(zip(shards.ranges, shards.ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            let sizes = shards.ranges.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1 && sizes == sizes.sorted(by: >), "batch \(batchSize): \(sizes)")
            #expect(abs(shards.weights.reduce(0, +) - (batchSize == 0 ? 0 : 1)) < 1e-12, "batch \(batchSize)")
        }
        #expect(BatchShards(batchSize: 2, count: 3).ranges == [0..<1, 1..<2, 2..<2])
        #expect(BatchShards(batchSize: 10, count: 3).ranges == [0..<4, 4..<7, 7..<10])
    }

    @Test("with several shards each runs with kernels on one thread; with one, on the task's threads")
    func shardThreads() {
        withThreadCount(2) {
            let counts = BatchShards(batchSize: 64).map { shard, _ in (shard, ComputeThreads.current) }
            #expect(counts.map(\.0) == [0, 1, 2, 3])
            #expect(counts.allSatisfy { $0.1 == 1 })
            #expect(BatchShards(batchSize: 8).map { _, _ in ComputeThreads.current } == [min(2, ComputeThreads.available)])
        }
    }

    @Test("shards differentiated concurrently on their own tapes match the same gradients taken one after the other")
    func concurrentTapes() {
        let inputs = randomTensor([40, 6], seed: 5)
        let labels = (0..<40).map { $0 % 3 }
        let shards = BatchShards(batchSize: 40, count: 2)
        let sequential = shards.ranges.map { rows in
            withThreadCount(1) { gradient(at: Self.parameters) { Self.loss($0, Self.rows(inputs, rows), Array(labels[rows])) } }
        }
        for _ in 0..<3 {
            #expect(withThreadCount(2) { Self.shardGradients(shards, inputs, labels) } == sequential)
        }
    }

    @Test("inside an open recording scope each shard still records on a tape of its own")
    func shardsLeaveTheEnclosingTape() {
        let inputs = randomTensor([32, 6], seed: 6)
        let labels = (0..<32).map { $0 % 3 }
        let shards = BatchShards(batchSize: 32, count: 2)
        let alone = Self.shardGradients(shards, inputs, labels)
        let (_, inside) = valueWithGradient(at: [randomTensor([2], seed: 7)]) { (x: [Tensor<Double>]) -> Tensor<Double> in
            #expect(Self.shardGradients(shards, inputs, labels) == alone)
            return (x[0] * x[0]).sum()
        }
        #expect(inside[0] == randomTensor([2], seed: 7) * 2)
    }

    @Test("the combined gradient is the whole batch's to rounding, and bit-identical on 1 and 2 threads")
    func combinedGradient() {
        let inputs = randomTensor([37, 6], seed: 8)
        let labels = (0..<37).map { ($0 * 7) % 3 }
        let whole = gradient(at: Self.parameters) { Self.loss($0, inputs, labels) }
        let shards = BatchShards(batchSize: 37, count: 3)
        let one = withThreadCount(1) { shards.combine(Self.shardGradients(shards, inputs, labels)) }
        let two = withThreadCount(2) { shards.combine(Self.shardGradients(shards, inputs, labels)) }
        #expect(one == two)
        for (combined, expected) in zip(one, whole) {
            #expect(combined.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        }
    }

    @Test("combine sums in shard order with each shard's weight, in chunks, the same bits on 1 and 2 threads")
    func combineInChunks() {
        let shards = BatchShards(batchSize: 10, count: 3)
        #expect(shards.weights == [0.4, 0.3, 0.3])
        let sizes = [2 * BatchShards.combineChunk + 5, 3, 0]
        let gradients = (0..<3).map { shard in sizes.map { randomTensor([$0], seed: UInt64(10 * shard + $0 % 7)) } }
        let expected = sizes.indices.map { p in
            gradients[0][p].scaled(by: 0.4).adding(gradients[1][p], scaledBy: 0.3).adding(gradients[2][p], scaledBy: 0.3)
        }
        #expect(withThreadCount(1) { shards.combine(gradients) } == expected)
        #expect(withThreadCount(2) { shards.combine(gradients) } == expected)
    }

    @Test("one compiled function per shard, replayed concurrently, gives the tapes' shard gradients")
    func compiledShards() {
        let inputs = randomTensor([32, 6], seed: 9)
        let labels = (0..<32).map { $0 % 3 }
        let shards = BatchShards(batchSize: 32, count: 2)
        let functions = Unchecked(shards.ranges.map { rows in
            CompiledFunction(state: [], inputs: Self.parameters + [Self.rows(inputs, rows)]) { _, given in
                ([], gradient(at: Array(given.dropLast())) { Self.loss($0, given[given.count - 1], Array(labels[rows])) })
            }
        })
        let replayed = withThreadCount(2) {
            shards.map { shard, rows in
                functions.value[shard].run(Self.parameters + [Self.rows(inputs, rows)])
                return functions.value[shard].outputs
            }
        }
        #expect(replayed == Self.shardGradients(shards, inputs, labels))
    }

    @Test("the example of Docs/Autograd.md: the whole batch's gradient to rounding, the same on 1 and 2 threads")
    func docExample() {
        var generator = SeededGenerator(seed: 10)
        let weights = [Tensor<Float>(randomNormal: [5, 3], using: &generator)]
        let inputs = Tensor<Float>(randomNormal: [64, 5], using: &generator)
        let labels = (0..<64).map { ($0 * 5) % 3 }
        let whole = gradient(at: weights) { softmaxCrossEntropy(logits: matmul(inputs, $0[0]), labels: labels) }
        let one = withThreadCount(1) { shardedGradient(weights, inputs, labels) }
        #expect(one == withThreadCount(2) { shardedGradient(weights, inputs, labels) })
        #expect(one[0].isApproximatelyEqual(to: whole[0], absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
    }

    @Test("the example in Docs/Autograd.md is the code above")
    func docExampleIsThisCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("Docs/Autograd.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let section = docs.components(separatedBy: "## Gradients of a batch in shards").last ?? ""
        let documented = section.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first
        let tested = source.components(separatedBy: "// BEGIN Docs/Autograd.md\n").dropFirst().first?
            .components(separatedBy: "// END Docs/Autograd.md").first
        #expect(documented != nil && documented == tested)
    }
}
