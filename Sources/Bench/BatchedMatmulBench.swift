import Autograd

/// Batched matrix products through `matmul` on rank-4 tensors, attention's shapes by default:
/// [B·H as 1, H, T, d] products of T × T × d (`--shapes TxTxd`, `--batch` the number of
/// products per call, split as [batch/8, 8] leading axes), in each transposition form
/// (`--variants`), timed as `gemm` times its products. Benchmarks/batched_matmul.py times
/// PyTorch's `torch.matmul` on the same shapes.
enum BatchedMatmulBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        let shapes = options.shapes.isEmpty ? [(m: 128, n: 128, k: 32)] : options.shapes
        for variant in options.variants {
            for batch in options.batches ?? [32] {
                for shape in shapes { measure(shape, batch: batch, variant: variant, options, report) }
            }
        }
    }

    /// The leading axes of a batch of `count` products: [count / 8, 8] (batch and heads) when
    /// 8 divides it, [count] otherwise.
    static func leadingAxes(_ count: Int) -> [Int] { count % 8 == 0 ? [count / 8, 8] : [count] }

    static func measure(_ shape: (m: Int, n: Int, k: Int), batch: Int, variant: String,
                        _ options: BenchOptions, _ report: Report) {
        let (m, n, k) = shape
        let (transposeA, transposeB) = (variant.hasPrefix("AT"), variant.hasSuffix("BT"))
        let leading = leadingAxes(batch)
        var generator = SeededGenerator(seed: 42)
        let a = Tensor<Float>(randomNormal: Shape(leading + (transposeA ? [k, m] : [m, k])), using: &generator)
        let b = Tensor<Float>(randomNormal: Shape(leading + (transposeB ? [n, k] : [k, n])), using: &generator)
        let reps = options.reps ?? 7
        let (times, inner, load) = withThreadCount(options.threads) {
            let product = { _ = matmul(a, b, transposeA: transposeA, transposeB: transposeB) }
            for _ in 0..<3 { product() }
            let inner = Timing.calibrate(target: options.repSeconds, limit: 10_000, product)
            let (times, load) = Timing.repetitions(reps) { for _ in 0..<inner { product() } }
            return (times, inner, load)
        }
        let (best, median) = Timing.summary(times, per: Double(inner))
        let flop = 2 * Double(batch) * Double(m) * Double(n) * Double(k)
        report.emit([
            ("bench", .string("batched_matmul")), ("framework", .string("swift")), ("variant", .string(variant)),
            ("version", .string(frameworkVersion)), ("batch", .int(batch)), ("m", .int(m)), ("n", .int(n)), ("k", .int(k)),
            ("reps", .int(reps)), ("inner", .int(inner)),
            ("ms_min", .rounded(best * 1e3, 4)), ("ms_median", .rounded(median * 1e3, 4)),
            ("gflops_best", .rounded(flop / best / 1e9, 2)), ("gflops_median", .rounded(flop / median / 1e9, 2)),
        ], threads: options.threads, load: load,
        summary: "batched_matmul \(variant) \(batch) × \(m)x\(n)x\(k) threads=\(options.threads): \(fixed(best * 1e3, 4)) ms, "
            + "\(fixed(flop / best / 1e9, 1)) GFLOP/s best")
    }
}
