import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Training loop: batch sharding")
struct LoopShardingTests {
    /// A trainer of the small classifier after two epochs on 64 points in batches of 32.
    static func trained(sharding: Bool, threads: Int, dropout: Double) throws -> Trainer<Sequential<Float>, Adam<Float>> {
        var trainer = Trainer(model: smallClassifier(seed: 2, dropout: dropout), optimizer: Adam<Float>(learningRate: 0.05),
                              loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.batchSharding = sharding
        trainer.l2Penalty = 1e-3
        try withThreadCount(threads) { _ = try trainer.fit(training: separablePoints(count: 64, seed: 1), epochs: 2, batchSize: 32) }
        return trainer
    }

    @Test("a sharded fit gives bit-identical parameters and losses on 1 and 2 threads, dropout included")
    func identicalAcrossThreads() throws {
        for dropout in [0.0, 0.25] {
            let one = try Self.trained(sharding: true, threads: 1, dropout: dropout)
            let two = try Self.trained(sharding: true, threads: 2, dropout: dropout)
            #expect(one.model.parameters.map(\.value.scalars) == two.model.parameters.map(\.value.scalars), "dropout \(dropout)")
            #expect(one.history.stepLosses == two.history.stepLosses, "dropout \(dropout)")
            #expect(one.history.epochs.map(\.trainingAccuracy) == two.history.epochs.map(\.trainingAccuracy))
        }
    }

    @Test("without dropout a sharded fit follows the unsharded one to rounding")
    func closeToUnsharded() throws {
        let sharded = try Self.trained(sharding: true, threads: 2, dropout: 0)
        let whole = try Self.trained(sharding: false, threads: 2, dropout: 0)
        for (a, b) in zip(sharded.model.parameters, whole.model.parameters) {
            #expect(a.value.isApproximatelyEqual(to: b.value, absoluteTolerance: 1e-4, relativeTolerance: 1e-4), "\(a.name)")
        }
        for (a, b) in zip(sharded.history.stepLosses, whole.history.stepLosses) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        #expect(sharded.history.stepLosses.count == 4)
    }

    @Test("small batches, models with running statistics and sharding off train on the whole batch")
    func wholeBatchCases() {
        let batch = TrainingBatch<Float>(inputs: .zeros([32, 2]), targets: .labels(Tensor([Int](repeating: 0, count: 32))))
        var plain = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(), loss: .softmaxCrossEntropy)
        #expect(plain.batchShards(of: batch) == nil)
        plain.batchSharding = true
        #expect(plain.batchShards(of: batch)?.ranges == [0..<16, 16..<32])
        let small = TrainingBatch<Float>(inputs: .zeros([31, 2]), targets: .labels(Tensor([Int](repeating: 0, count: 31))))
        #expect(plain.batchShards(of: small) == nil)
        var normalized = Trainer(model: Sequential<Float> { BatchNorm<Float>(featureCount: 2) }, optimizer: Adam<Float>(),
                                 loss: .softmaxCrossEntropy)
        normalized.batchSharding = true
        #expect(normalized.batchShards(of: batch) == nil)
    }

    @Test("a checkpoint of a sharded run records it, and an unsharded run does not continue it unasked")
    func checkpointSetting() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/sharded.safetensors"
        let sharded = try Self.trained(sharding: true, threads: 2, dropout: 0)
        try sharded.saveCheckpoint(to: path)
        #expect(sharded.runSettings["batch sharding"] != nil)
        var whole = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.05), loss: .softmaxCrossEntropy, seed: 3)
        whole.progress = ProgressReporter(style: .silent)
        whole.l2Penalty = 1e-3
        try whole.restoreCheckpoint(from: path)
        expectCheckpointError(.settingsMismatch, containing: "batch sharding: shards of at least 16 examples, at most 4 in the checkpoint, absent now") {
            try whole.fit(training: separablePoints(count: 64, seed: 1), epochs: 1, batchSize: 32)
        }
    }
}
