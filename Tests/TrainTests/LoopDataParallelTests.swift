import Testing
import Autograd
import Layers
@testable import Train

/// A data-parallel group of this process alone, which records what the trainer hands it.
final class RecordingGroup: DataParallelGroup {
    let rank = 0
    let size = 1
    private var weight = 1.0
    private var handed: [Int: [Double]] = [:]
    /// The parameter indices handed over during each step's backward pass, in order.
    private(set) var finalOrder: [[Int]] = []
    /// How many ``sum(_:)`` calls the trainer made.
    private(set) var sums = 0

    func sum(_ values: [Double]) throws -> [Double] {
        sums += 1
        return values
    }

    func broadcast<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], from root: Int) throws -> [Tensor<Scalar>] { tensors }

    func beginGradientSum<Scalar: TensorScalar>(shapes: [Shape], weight: Double, of scalar: Scalar.Type) {
        self.weight = weight
        handed = [:]
        finalOrder.append([])
    }

    func gradientIsFinal<Scalar: TensorScalar>(_ gradient: Tensor<Scalar>, parameter index: Int) {
        finalOrder[finalOrder.count - 1].append(index)
        handed[index] = gradient.scalars.map { Double($0) }
    }

    func finishGradientSum<Scalar: TensorScalar>(_ gradients: [Tensor<Scalar>]) throws -> [Tensor<Scalar>] {
        gradients.enumerated().map { index, gradient in
            #expect(handed[index].map { $0 == gradient.scalars.map { Double($0) } } ?? true, "the gradient handed over is the one returned")
            return gradient * Tensor(repeating: Scalar(weight), shape: gradient.shape)
        }
    }
}

@Suite("Training loop: data-parallel groups")
struct LoopDataParallelTests {
    @Test("a group of one process trains the same bits as no group, and hands gradients over last layer first")
    func groupOfOne() throws {
        let data = separablePoints(count: 40, seed: 1)
        func trained(_ group: (any DataParallelGroup)?) throws -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.05),
                                  loss: .softmaxCrossEntropy, seed: 3)
            trainer.progress = ProgressReporter(style: .silent)
            trainer.dataParallel = group
            try trainer.fit(training: data, epochs: 3, batchSize: 8)
            return trainer
        }
        let group = RecordingGroup()
        let alone = try trained(nil), together = try trained(group)
        #expect(alone.model.parameters.map(\.value.scalars) == together.model.parameters.map(\.value.scalars))
        #expect(alone.history.stepLosses == together.history.stepLosses)
        #expect(alone.history.epochs.map(\.trainingAccuracy) == together.history.epochs.map(\.trainingAccuracy))
        #expect(alone.generator == together.generator)
        #expect(together.runSettings[Trainer<Sequential<Float>, Adam<Float>>.processesKey] == nil, "one process records no number")
        #expect(group.finalOrder.count == 15 && group.finalOrder.allSatisfy { $0 == [3, 2, 1, 0] },
                "each step hands over every gradient during the backward pass, the output layer's first: \(group.finalOrder.prefix(2))")
    }

    @Test("each process's part of a batch: contiguous, disjoint, covering it, sizes within one")
    func shards() {
        final class Member: DataParallelGroup {
            let rank: Int, size: Int
            init(_ rank: Int, of size: Int) { (self.rank, self.size) = (rank, size) }
            func sum(_ values: [Double]) throws -> [Double] { values }
            func broadcast<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], from root: Int) throws -> [Tensor<Scalar>] { tensors }
            func beginGradientSum<Scalar: TensorScalar>(shapes: [Shape], weight: Double, of scalar: Scalar.Type) {}
            func gradientIsFinal<Scalar: TensorScalar>(_ gradient: Tensor<Scalar>, parameter index: Int) {}
            func finishGradientSum<Scalar: TensorScalar>(_ gradients: [Tensor<Scalar>]) throws -> [Tensor<Scalar>] { gradients }
        }
        for size in 1...5 {
            for count in 0...12 {
                let batch = (0..<count).map { ($0 * 7 + 3) % 13 }
                let parts = (0..<size).map { Member($0, of: size).shard(of: batch) }
                #expect(parts.flatMap { $0 } == batch, "size \(size), batch \(count)")
                let sizes = parts.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1 && sizes == sizes.sorted(by: >), "size \(size), batch \(count): \(sizes)")
            }
        }
    }
}
