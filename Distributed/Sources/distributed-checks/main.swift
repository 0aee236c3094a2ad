// The companion package's tests, run by every process of `mpirun -np 2 distributed-checks`
// (scripts/test-distributed.sh, from .ci/run). Each check runs on every rank; a check fails when
// it fails on any rank. Rank 0 prints one line per check and "distributed-checks: N passed,
// M failed"; the exit status is 1 when a check failed.
//
//   distributed-checks            every check below
//   distributed-checks allreduce-time N   times a blocking all-reduce of N Floats (Docs/Distributed.md)
//   distributed-checks die        rank 1 kills itself (SIGKILL) in the middle of training: the
//                                 job must end (mpirun stops rank 0), never hang
import Autograd
import Foundation
import Layers
import MPI
import Train

let world: MPICommunicator
do {
    world = try MPICommunicator.world()
} catch {
    FileHandle.standardError.write(Data("cannot start MPI: \(error)\n".utf8))
    exit(1)
}

/// How often a layer was called.
final class Calls { var count = 0 }

/// A failed expectation of a check.
struct CheckFailure: Error, CustomStringConvertible {
    var description: String
}

/// Throws a ``CheckFailure`` saying `message` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(description: message()) }
}

/// 96 examples of 12 features in 3 classes, the same on every rank.
func dataset() -> TensorDataset<Float> {
    var generator = SeededGenerator(seed: 7)
    let inputs = Tensor<Float>(randomNormal: [96, 12], standardDeviation: 1, using: &generator)
    let values = inputs.scalars
    let labels: [Int32] = stride(from: 0, to: values.count, by: 12).map { row in
        values[row] + values[row + 1] > 0 ? 0 : (values[row + 2] > 0 ? 1 : 2)
    }
    return TensorDataset(inputs: inputs, targets: .labels(Tensor(labels)))
}

/// A 12-16-16-3 ReLU network drawn from `seed` (`widths` to change it), and its trainer.
func trainer(seed: UInt64 = 3, widths: [Int] = [12, 16, 16, 3], extra: Lambda<Float>? = nil,
             group: MPICommunicator?) -> Trainer<Sequential<Float>, Adam<Float>> {
    var generator = SeededGenerator(seed: seed)
    let network = Sequential<Float>.multilayerPerceptron(widths: widths, using: &generator)
    let model = extra.map { extra in Sequential<Float> { extra; network } } ?? Sequential<Float> { network }
    var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 5)
    trainer.progress = ProgressReporter(style: .silent)
    trainer.dataParallel = group
    return trainer
}

/// The parameters' values as one array.
func flattened(_ model: some Module<Float>) -> [Float] { model.parameters.flatMap(\.value.scalars) }

/// A hash of `values`' bits, as a Double that sums exactly.
func bitsHash(_ values: [Float]) -> Double {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in values { hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3 }
    return Double(hash >> 16)
}

/// Whether every rank holds the same bits.
@MainActor func sameOnEveryRank(_ values: [Float]) throws -> Bool {
    let hashes = try world.gathered(bitsHash(values))
    return hashes.allSatisfy { $0 == hashes[0] }
}

let checks: [(name: String, run: () throws -> Void)] = [
    ("rank and size", {
        try expect(world.size >= 2, "run under mpirun -np 2 or more (size \(world.size))")
        try expect(try world.gathered(Double(world.rank)) == (0..<world.size).map(Double.init), "ranks are not 0..<size")
        try world.barrier()
    }),
    ("all-reduce sum and mean of Float and Double tensors", {
        let base = Tensor<Float>([1, -2, 3.5, 0.25, 1e6, -7], shape: [2, 3])
        let mine = base * Tensor(repeating: Float(world.rank + 1), shape: [2, 3])
        let factor = Float((1...world.size).reduce(0, +))
        let sum = try world.allReduce(mine, .sum)
        try expect(sum.shape == [2, 3] && sum.scalars == base.scalars.map { $0 * factor }, "sum \(sum.scalars)")
        let mean = try world.allReduce(mine, .mean)
        try expect(zip(mean.scalars, base.scalars).allSatisfy { abs($0 - $1 * factor / Float(world.size)) <= 1e-6 * abs($1 * factor) },
                   "mean \(mean.scalars)")
        let double = try world.allReduce(Tensor<Double>([Double(world.rank), 0.5]), .sum)
        try expect(double.scalars == [Double((0..<world.size).reduce(0, +)), 0.5 * Double(world.size)], "Double sum \(double.scalars)")
    }),
    ("broadcast from rank 0 and from the last rank", {
        let mine = [Tensor<Float>(repeating: Float(world.rank), shape: [3, 2]), Tensor<Float>([Float(world.rank) + 0.5])]
        let first = try world.broadcast(mine, from: 0)
        try expect(first.map(\.scalars) == [[Float](repeating: 0, count: 6), [0.5]], "from 0: \(first.map(\.scalars))")
        let last = try world.broadcast(Tensor<Double>(repeating: Double(world.rank), shape: [4]), from: world.size - 1)
        try expect(last.scalars == [Double](repeating: Double(world.size - 1), count: 4), "from last: \(last.scalars)")
    }),
    ("an MPI error is a Swift error (broadcast from a rank that does not exist)", {
        do {
            _ = try world.broadcast(Tensor<Float>([1]), from: world.size)
            throw CheckFailure(description: "no error")
        } catch let error as MPIError {
            try expect(error.operation == "MPI_Bcast" && error.rank == world.rank && !error.reason.isEmpty, "\(error)")
            if world.isPrimary { print("  \(error)") }
        }
    }),
    ("gradient buckets: weighted sums, out of order and at the end", {
        let shapes: [Shape] = [[3, 4], [4], [5, 3], [5], [2, 2]]
        world.bucketBytes = 40  // several buckets
        defer { world.bucketBytes = 1 << 18 }
        for step in 0..<3 {
            world.beginGradientSum(shapes: shapes, weight: 0.25, of: Float.self)
            let gradients = shapes.enumerated().map { index, shape in
                Tensor<Float>((0..<shape.elementCount).map { Float(world.rank + 1) * Float($0 + index + step) }, shape: shape)
            }
            for index in [4, 3, 1] { world.gradientIsFinal(gradients[index], parameter: index) }
            let sums = try world.finishGradientSum(gradients)
            let factor = 0.25 * Float((1...world.size).reduce(0, +))
            for (sum, gradient) in zip(sums, gradients) {
                try expect(sum.shape == gradient.shape && sum.scalars == gradient.scalars.map { $0 / Float(world.rank + 1) * factor },
                           "step \(step): \(sum.scalars)")
            }
        }
    }),
    ("2 ranks train the parameters of 1 process (same global batch and seed) and hold the same bits", {
        let data = dataset()
        var alone = trainer(group: nil)
        let aloneHistory = try alone.fit(training: data, epochs: 3, batchSize: 16)
        var together = trainer(group: world)
        let togetherHistory = try together.fit(training: data, epochs: 3, batchSize: 16)
        let (expected, actual) = (flattened(alone.model), flattened(together.model))
        try expect(try sameOnEveryRank(actual), "the ranks' parameters differ")
        let worst = zip(expected, actual).map { abs($0 - $1) / (1e-3 + abs($0)) }.max() ?? 0
        try expect(worst < 1e-4, "largest relative difference from the 1-process run: \(worst)")
        let losses = zip(aloneHistory.stepLosses, togetherHistory.stepLosses).map { abs($0 - $1) }.max() ?? 0
        try expect(togetherHistory.stepLosses.count == 18 && losses < 1e-5, "step losses differ by \(losses)")
        try expect(alone.generator == together.generator && alone.stepsCompleted == together.stepsCompleted, "generator or steps differ")
        if world.isPrimary { print("  largest relative parameter difference after 18 steps: \(worst); step losses within \(losses)") }
    }),
    ("a batch that does not divide evenly (17 = 9 + 8), with a short last batch, gives the same parameters", {
        let data = dataset()
        var alone = trainer(group: nil)
        try alone.fit(training: data, epochs: 2, batchSize: 17)
        var together = trainer(group: world)
        try together.fit(training: data, epochs: 2, batchSize: 17)
        let worst = zip(flattened(alone.model), flattened(together.model)).map { abs($0 - $1) / (1e-3 + abs($0)) }.max() ?? 0
        try expect(worst < 1e-4, "largest relative difference: \(worst)")
    }),
    ("the same distributed run twice gives the same bits", {
        let data = dataset()
        var first = trainer(group: world), second = trainer(group: world)
        try first.fit(training: data, epochs: 2, batchSize: 16)
        try second.fit(training: data, epochs: 2, batchSize: 16)
        try expect(flattened(first.model) == flattened(second.model), "the runs differ")
    }),
    ("rank 0's parameters are given to every rank at the start", {
        var together = trainer(seed: UInt64(10 + world.rank), group: world)
        try together.fit(training: dataset(), epochs: 1, batchSize: 16)
        var alone = trainer(seed: 10, group: nil)
        try alone.fit(training: dataset(), epochs: 1, batchSize: 16)
        try expect(try sameOnEveryRank(flattened(together.model)), "the ranks' parameters differ")
        let worst = zip(flattened(alone.model), flattened(together.model)).map { abs($0 - $1) / (1e-3 + abs($0)) }.max() ?? 0
        try expect(worst < 1e-4, "not rank 0's model: \(worst)")
    }),
    ("different model shapes across ranks stop every rank before the first step, naming the rank", {
        var mismatched = trainer(widths: world.rank == 1 ? [12, 17, 16, 3] : [12, 16, 16, 3], group: world)
        do {
            try mismatched.fit(training: dataset(), epochs: 1, batchSize: 16)
            throw CheckFailure(description: "no error")
        } catch let error as DataParallelError {
            try expect(error.description.contains("parameter shapes") && error.description.contains("on rank 1")
                           && mismatched.stepsCompleted == 0, "\(error)")
            if world.isPrimary { print("  \(error)") }
        }
    }),
    ("a NaN on rank 1 stops every rank at the same step, naming rank 1", {
        let calls = Calls()
        let poison = Lambda<Float>("PoisonOnRank1") { input in
            calls.count += 1
            return world.rank == 1 && calls.count == 4 ? input * Tensor(repeating: .nan, shape: input.shape) : input
        }
        var poisoned = trainer(extra: poison, group: world)
        let history = try poisoned.fit(training: dataset(), epochs: 2, batchSize: 16)
        guard case .nonFinite(let report)? = history.stopReason else {
            throw CheckFailure(description: "not stopped: \(String(describing: history.stopReason))")
        }
        try expect(report.rank == 1 && report.position.globalStep == 3 && poisoned.stepsCompleted == 3
                       && report.description.contains("on process rank 1"), "\(report)")
        try expect(world.rank != 1 || report.operation != nil, "rank 1 does not name the operation: \(report)")
        if world.rank <= 1 { print("  rank \(world.rank): \(report)") }
    }),
    ("a checkpoint of 2 ranks resumes exactly with 2 and is refused by 1 process, naming the number of processes", {
        let data = dataset()
        let path = NSTemporaryDirectory() + "distributed-checks-\(getppid()).safetensors"
        var straight = trainer(group: world)
        try straight.fit(training: data, epochs: 2, batchSize: 16)
        var first = trainer(group: world)
        try first.fit(training: data, epochs: 1, batchSize: 16, callbacks: [CheckpointEveryEpoch(path: path)])
        try world.barrier()  // rank 0 wrote it
        defer {
            try? world.barrier()  // every rank, failed or not, before rank 0 removes the file
            if world.isPrimary { try? FileManager.default.removeItem(atPath: path) }
        }
        var resumed = trainer(group: world)
        try resumed.restoreCheckpoint(from: path)
        try resumed.fit(training: data, epochs: 1, batchSize: 16)
        try expect(flattened(resumed.model) == flattened(straight.model), "the resumed run differs from the uninterrupted one")
        var alone = trainer(group: nil)
        try alone.restoreCheckpoint(from: path)
        do {
            try alone.fit(training: data, epochs: 1, batchSize: 16)
            throw CheckFailure(description: "no error")
        } catch let error as CheckpointError {
            try expect(error.kind == .settingsMismatch && error.description.contains("data-parallel processes: 2 in the checkpoint, absent now"),
                       "\(error)")
        }
    }),
]

if CommandLine.arguments.dropFirst().first == "allreduce-time", let count = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) {
    // Times a blocking all-reduce (sum) of `count` Floats, as one gradient of that size: 20 warm-up calls, then 200.
    let gradient = Tensor<Float>(repeating: 1, shape: [count])
    for _ in 0..<20 { _ = try world.allReduce(gradient) }
    try world.barrier()
    let clock = ContinuousClock(), start = clock.now
    for _ in 0..<200 { _ = try world.allReduce(gradient) }
    let seconds = (clock.now - start) / .seconds(1) / 200
    if world.isPrimary {
        print(String(format: "all-reduce of %d Floats (%d bytes) over %d processes: %.3f ms per call, %.2f GB/s of gradient",
                     count, 4 * count, world.size, 1000 * seconds, Double(4 * count) / seconds / 1e9))
    }
    world.finalize()
    exit(0)
}

if CommandLine.arguments.dropFirst().first == "die" {
    // Rank 1 dies at its third step while rank 0 waits for it in the gradient sum.
    let calls = Calls()
    let dying = Lambda<Float>("DieOnRank1") { input in
        calls.count += 1
        if world.rank == 1, calls.count == 3 { kill(getpid(), SIGKILL) }
        return input
    }
    var doomed = trainer(extra: dying, group: world)
    _ = try? doomed.fit(training: dataset(), epochs: 100, batchSize: 16)
    print("rank \(world.rank): training ended although rank 1 died")
    world.finalize()
    exit(1)
}

var failed: [String] = []
for check in checks {
    var failure: String?
    do { try check.run() } catch { failure = "\(error)" }
    if let failure { FileHandle.standardError.write(Data("rank \(world.rank): \(check.name): \(failure)\n".utf8)) }
    let failures = (try? world.sum([failure == nil ? 0 : 1])[0]) ?? 1
    if world.isPrimary { print("\(failures == 0 ? "PASS" : "FAIL") \(check.name)") }
    if failures != 0 { failed.append(check.name) }
}
if world.isPrimary { print("distributed-checks: \(checks.count - failed.count) passed, \(failed.count) failed") }
world.finalize()
exit(failed.isEmpty ? 0 : 1)
