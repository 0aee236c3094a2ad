import Autograd
import Kernels
import KernelSupport

/// Square matrix products C = op(A)·op(B), timed as the peers' gemm.py times them: each rep
/// runs a calibrated number of back-to-back products (about 0.3 s), into a preallocated C.
enum GemmBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        let shapes = options.sizes.map { (m: $0, n: $0, k: $0) } + options.shapes
        for variant in options.variants {
            for shape in shapes {
                if options.useDouble {
                    measure(Double.self, shape, variant: variant, options, report)
                } else {
                    measure(Float.self, shape, variant: variant, options, report)
                }
            }
        }
    }

    static func measure<Scalar: TensorScalar>(_: Scalar.Type, _ shape: (m: Int, n: Int, k: Int), variant: String,
                                              _ options: BenchOptions, _ report: Report) {
        let (m, n, k) = shape
        let (transposeA, transposeB) = (variant.hasPrefix("AT"), variant.hasSuffix("BT"))
        var generator = SeededGenerator(seed: 42)
        let a = Tensor<Scalar>(randomNormal: transposeA ? [k, m] : [m, k], using: &generator)
        let b = Tensor<Scalar>(randomNormal: transposeB ? [n, k] : [k, n], using: &generator)
        var c = Tensor<Scalar>.zeros([m, n])
        let reps = options.reps ?? 7
        let (times, inner, load) = withThreadCount(options.threads) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let operands = GemmOperands(m: m, n: n, k: k, a: a.baseAddress!, lda: transposeA ? m : k,
                                                    transposeA: transposeA, b: b.baseAddress!, ldb: transposeB ? k : n,
                                                    transposeB: transposeB, c: c.baseAddress!, ldc: n, accumulate: false)
                        let gemm = KernelTable<Scalar>.selected.gemm
                        let product = { gemm(operands) }
                        for _ in 0..<3 { product() }
                        let inner = Timing.calibrate(target: options.repSeconds, limit: 10_000, product)
                        let (times, load) = Timing.repetitions(reps) { for _ in 0..<inner { product() } }
                        return (times, inner, load)
                    }
                }
            }
        }
        let (best, median) = Timing.summary(times, per: Double(inner))
        let flop = 2 * Double(m) * Double(n) * Double(k)
        let peak = report.nominalPeak(threads: options.threads)
        let square = m == n && n == k
        let name = (Scalar.self == Double.self ? "dgemm" : "sgemm") + (square ? "" : "_shape")
        let dimensions: [(String, JSONValue)] = square ? [("n", .int(n))] : [("m", .int(m)), ("n", .int(n)), ("k", .int(k))]
        report.emit([
            ("bench", .string(name)), ("framework", .string("swift")), ("variant", .string(variant)),
            ("version", .string(frameworkVersion))] + dimensions + [("reps", .int(reps)), ("inner", .int(inner)),
            ("ms_min", .rounded(best * 1e3, 4)), ("ms_median", .rounded(median * 1e3, 4)),
            ("gflops_best", .rounded(flop / best / 1e9, 2)), ("gflops_median", .rounded(flop / median / 1e9, 2)),
            ("peak_gflops", .rounded(peak, 1)),
            ("frac_peak_best", .rounded(flop / best / 1e9 / peak, 3)),
            ("frac_peak_median", .rounded(flop / median / 1e9 / peak, 3)),
        ], threads: options.threads, load: load,
        summary: "\(name) \(variant) \(square ? "n=\(n)" : "\(m)x\(n)x\(k)") threads=\(options.threads): \(fixed(best * 1e3, 3)) ms, "
            + "\(fixed(flop / best / 1e9, 1)) GFLOP/s best, \(fixed(flop / median / 1e9, 1)) median (foreign load \(fixed(load.foreign, 2)))")
    }
}

/// `value` with `places` decimals, for readable output.
func fixed(_ value: Double, _ places: Int) -> String {
    let scale = Double([1, 10, 100, 1000, 10000][min(places, 4)])
    let scaled = (value * scale).rounded() / scale
    return String(scaled)
}
