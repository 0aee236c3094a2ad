// `bench`: release-mode measurements of the kernels and the tape, printed as the peer
// benchmarks in ../shared/peers print theirs (`--json`), so that their summarize.py tables
// show both. Usage: `swift run -c release bench gemm tiny --threads 2 --json`.
import Autograd
import KernelSupport
#if canImport(Glibc)
import Glibc
#endif

AllocatorTuning.keepFreedMemory()
do {
    let options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    let report = Report(json: options.json, tag: options.tag)
    for mode in options.modes {
        switch mode {
        case .peak: PeakBench.run(options, report)
        case .gemm: GemmBench.run(options, report)
        case .batched: BatchedMatmulBench.run(options, report)
        case .tiny: try TinyBench.run(options, report)
        case .overhead: OverheadBench.run(options, report)
        case .accuracy: AccuracyBench.run(options, report)
        case .cnn: CNNBench.run(options, report)
        case .mlp: MLPBench.run(options, report)
        case .resnet: ResNetBench.run(options, report)
        case .gpt: GPTBench.run(options, report)
        case .placement: CorePlacement.run(options, report)
        case .sync: SyncBench.run(options, report)
        }
    }
} catch {
    log("bench: \(error)")
    exit(2)
}
