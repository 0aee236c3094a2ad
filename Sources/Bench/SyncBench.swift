import Autograd
import KernelSupport

/// What a sharded training step pays to synchronise its threads (`bench sync`), the figures
/// Performance.md extrapolates to larger machines: one empty fork/join round of the worker pool,
/// and the sum of the CNN's weight gradients over 2 and 4 shards (``BatchShards/combine(_:)``,
/// one fork/join for all parameters).
enum SyncBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        withThreadCount(options.threads) {
            let threads = ComputeThreads.current
            measure("fork/join round", options, report) {
                WorkerPool.shared.run(parts: threads, threads: threads) { _ in }
            }
            var generator = SeededGenerator(seed: 0)
            let parameters = CNNBench.initialParameters(using: &generator)
            for count in [2, 4] {
                let shards = BatchShards(batchSize: 16 * count, count: count)
                let gradients = [[Tensor<Float>]](repeating: parameters, count: count)
                measure("combine cifar_cnn gradients, \(count) shards", options, report) { _ = shards.combine(gradients) }
            }
        }
    }

    /// Times `body` in reps of about 0.2 s and reports microseconds per call.
    static func measure(_ name: String, _ options: BenchOptions, _ report: Report, _ body: () -> Void) {
        body()
        let inner = Timing.calibrate(target: 0.2, limit: 10_000_000, body)
        let reps = options.reps ?? 5
        let (times, load) = Timing.repetitions(reps) { for _ in 0..<inner { body() } }
        let (best, median) = Timing.summary(times, per: Double(inner))
        report.emit([
            ("bench", .string("sync_cost")), ("framework", .string("swift")), ("op", .string(name)),
            ("version", .string(frameworkVersion)), ("reps", .int(reps)),
            ("us_per_call_min", .rounded(best * 1e6, 3)), ("us_per_call_median", .rounded(median * 1e6, 3)),
        ], threads: options.threads, load: load,
        summary: "\(name): \(fixed(best * 1e6, 3)) µs best, \(fixed(median * 1e6, 3)) median")
    }
}
