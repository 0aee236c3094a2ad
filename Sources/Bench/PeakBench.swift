import Autograd
import Dispatch

/// The FP32 FMA throughput of the cores: 12 independent chains of 8-lane FMAs per thread
/// (12 of the 16 AVX2 registers, so nothing spills; the peers' fma_peak.c keeps 18 vectors live
/// and spills on machines without AVX-512), and in an AVX-512 build the same with 16 lanes.
enum PeakBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        for threads in Set([1, options.threads]).sorted() {
            let (fma256, load) = measure(threads: threads, lanes: 8) { fmaChains(SIMD8<Float>.self, $0) }
            #if AUTOGRAD_AVX512
            let fma512: Double? = measure(threads: threads, lanes: 16) { fmaChains(SIMD16<Float>.self, $0) }.gflops
            #else
            let fma512: Double? = nil
            #endif
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

    /// `iterations` steps of 12 independent FMA chains of `V`; returns a value that depends on all.
    @inline(never)
    static func fmaChains<V: SIMD>(_: V.Type, _ iterations: Int) -> Float where V.Scalar == Float {
        let (a, b) = (V(repeating: 1.000_000_1), V(repeating: 0.999_999_9))
        var (c0, c1, c2, c3, c4, c5) = (V(repeating: 0), V(repeating: 1), V(repeating: 2), V(repeating: 3), V(repeating: 4), V(repeating: 5))
        var (c6, c7, c8, c9, c10, c11) = (V(repeating: 6), V(repeating: 7), V(repeating: 8), V(repeating: 9), V(repeating: 10), V(repeating: 11))
        for _ in 0..<iterations {
            c0 = b.addingProduct(c0, a); c1 = b.addingProduct(c1, a); c2 = b.addingProduct(c2, a)
            c3 = b.addingProduct(c3, a); c4 = b.addingProduct(c4, a); c5 = b.addingProduct(c5, a)
            c6 = b.addingProduct(c6, a); c7 = b.addingProduct(c7, a); c8 = b.addingProduct(c8, a)
            c9 = b.addingProduct(c9, a); c10 = b.addingProduct(c10, a); c11 = b.addingProduct(c11, a)
        }
        return ((c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11)).sum()
    }

    /// Keeps `value` alive so the loop is not optimised away.
    @inline(never)
    static func sink(_ value: Float) {
        if value == 12_345 { log("#") }
    }
}
