import Autograd
import Kernels
import KernelSupport

/// The fixed cost of one operation on tiny tensors, outside and inside a recording scope:
/// what a small network pays per primitive beyond its arithmetic.
enum OverheadBench {
    /// Operations per recording scope (the scope's own cost is spread over them).
    static let operationsPerScope = 100

    static func run(_ options: BenchOptions, _ report: Report) {
        var generator = SeededGenerator(seed: 7)
        let w = Tensor<Float>(randomNormal: [2, 2], using: &generator)
        let x = Tensor<Float>(randomNormal: [2, 1], using: &generator)
        let v = Tensor<Float>(randomNormal: [2], using: &generator)
        var c = [Float](repeating: 0, count: 2)
        let operations: [(name: String, body: (Tensor<Float>) -> Tensor<Float>)] = [
            ("matmul 2x2.2x1", { matmul($0, x) }),
            ("sigmoid [2]", { $0.sigmoid() }),
            ("add [2]", { $0 + $0 }),
            ("add bias [2,2]+[2]", { $0 + v }),
        ]
        withThreadCount(options.threads) {
            w.withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { b in
                    measure("multiplyMatrices 2x2.2x1 (kernel only)", recorded: false, options, report) {
                        KernelTable<Float>.selected.gemm(GemmOperands(m: 2, n: 1, k: 2, a: a.baseAddress!, lda: 2,
                                                                      transposeA: false, b: b.baseAddress!, ldb: 1,
                                                                      transposeB: false, c: &c, ldc: 1, accumulate: false))
                    }
                }
            }
            for (name, body) in operations {
                let input = name.contains("[2]") && !name.contains("bias") ? v : w
                measure(name, recorded: false, options, report) {
                    for _ in 0..<operationsPerScope { keep(body(input)) }
                }
                measure(name, recorded: true, options, report) {
                    withGradientTape(of: Float.self) { tape in
                        let watched = tape.watch(input)
                        for _ in 0..<operationsPerScope { keep(body(watched)) }
                    }
                }
            }
        }
    }

    /// Times `body` (which runs ``operationsPerScope`` operations, or one when not `recorded`
    /// and kernel-only) and reports nanoseconds per operation.
    static func measure(_ name: String, recorded: Bool, _ options: BenchOptions, _ report: Report, _ body: () -> Void) {
        let perCall = name.contains("kernel only") ? 1 : operationsPerScope
        body()
        let inner = Timing.calibrate(target: 0.2, limit: 10_000_000, body)
        let reps = options.reps ?? 5
        let (times, load) = Timing.repetitions(reps) { for _ in 0..<inner { body() } }
        let (best, median) = Timing.summary(times, per: Double(inner * perCall))
        report.emit([
            ("bench", .string("op_overhead")), ("framework", .string("swift")), ("op", .string(name)),
            ("recorded", .bool(recorded)), ("version", .string(frameworkVersion)), ("reps", .int(reps)),
            ("ns_per_op_min", .rounded(best * 1e9, 1)), ("ns_per_op_median", .rounded(median * 1e9, 1)),
        ], threads: options.threads, load: load,
        summary: "\(name)\(recorded ? ", recorded" : ""): \(fixed(best * 1e9, 1)) ns/op best, \(fixed(median * 1e9, 1)) median")
    }

    /// Keeps a result alive so that the operation is not optimised away.
    @inline(never)
    static func keep(_ tensor: Tensor<Float>) {
        if tensor.elementCount == -1 { log("#") }
    }
}
