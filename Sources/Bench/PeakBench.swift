import Autograd
import Dispatch
import Kernels

/// The FP32 FMA throughput of the cores: 12 independent chains of 8-lane FMAs per thread
/// (12 of the 16 AVX2 registers, so nothing spills; the peers' fma_peak.c keeps 18 vectors live
/// and spills on machines without AVX-512) from the AVX2 kernels, and on a CPU with AVX-512 the
/// same with 16 lanes from the AVX-512 kernels.
enum PeakBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        let runnable = KernelLevel.runnable
        let narrow = (runnable.contains(.x86_64_v3) ? KernelLevel.x86_64_v3 : .baseline).kernels!.fmaChains
        let wide = runnable.contains(.x86_64_v4) ? KernelLevel.x86_64_v4.kernels?.fmaChains : nil
        for threads in Set([1, options.threads]).sorted() {
            let (fma256, load) = measure(threads: threads, lanes: 8) { narrow(8, $0) }
            let fma512 = wide.map { chains in measure(threads: threads, lanes: 16) { chains(16, $0) }.gflops }
            report.emit([
                ("bench", .string("fma_peak")), ("framework", .string("swift")),
                ("fma256_gflops", .rounded(fma256, 1)), ("fma512_gflops", fma512.map { .rounded($0, 1) } ?? .null),
                ("measured_ghz", .null), ("flop_per_cycle_per_core_256", .null),
            ], threads: threads, load: load,
            summary: "FMA peak, \(threads) thread(s): \(fixed(fma256, 1)) GFLOP/s with 256-bit vectors"
                + (fma512.map { ", \(fixed($0, 1)) with 512-bit" } ?? "")
                + " (best of 3, foreign load \(fixed(load?.foreign ?? 0, 2)))")
        }
    }

    /// GFLOP/s of `chains` (``fmaChains(_:_:)`` on vectors of `lanes` Floats) on `threads`
    /// threads, best of three, with the load during the best.
    static func measure(threads: Int, lanes: Int, _ chains: @Sendable (_ iterations: Int) -> Float)
        -> (gflops: Double, load: LoadMeter.Reading?) {
        let iterations = 100_000_000
        var best = Double.infinity
        var load: LoadMeter.Reading?
        for _ in 0..<3 {
            LoadMeter.waitUntilQuiet()
            let meter = LoadMeter()
            let start = now()
            DispatchQueue.concurrentPerform(iterations: threads) { _ in sink(chains(iterations)) }
            let elapsed = now() - start
            if elapsed < best { (best, load) = (elapsed, meter.reading()) }
        }
        return (Double(iterations) * 12 * Double(lanes) * 2 * Double(threads) / best / 1e9, load)
    }

    /// Keeps `value` alive so the loop is not optimised away.
    @inline(never)
    static func sink(_ value: Float) {
        if value == 12_345 { log("#") }
    }
}
