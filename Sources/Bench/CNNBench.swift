import Autograd
import Train
#if canImport(Glibc)
import Glibc
#endif

/// The peers' cifar_cnn.py in Swift: the seeds' CIFAR-10 CNN on random NHWC data, written with
/// Autograd primitives directly (conv2d with its bias and ReLU fused, pools, matmul,
/// softmax cross-entropy), trained with Train's Adam.
///
///     conv 5×5 3→32 pad 2 → max pool 2/2 → ReLU                 32×32 → 16×16
///     conv 5×5 32→32 pad 2 → ReLU → avg pool 2/2                16×16 → 8×8
///     conv 5×5 32→64 pad 2 → ReLU → avg pool 2/2                 8×8 → 4×4
///     conv 4×4 64→64 valid → ReLU → dense 64→10                  4×4 → 1×1
///
/// Each (mode, batch) is timed per ``StepVariant``: `tape` runs the step eagerly (recording,
/// backward, update); `compiled` replays the forward and backward passes as a
/// ``CompiledFunction`` traced once; training is also timed `sharded` and `sharded-compiled`
/// (each thread takes its own shards of the batch through both passes, see ``ShardedSteps``).
enum CNNBench {
    /// Forward multiply-adds × 2 per image, as cifar_cnn.py counts them (MFLOP).
    static let forwardMegaflop = 2e-6 * Double(32 * 32 * 32 * 75 + 16 * 16 * 32 * 800 + 8 * 8 * 64 * 800 + 64 * 1024 + 64 * 10)
    /// A training step: forward, weight gradients (the same) and input gradients of all but conv 1.
    static let trainMegaflop = 3 * forwardMegaflop - 2e-6 * Double(32 * 32 * 32 * 75)

    static func run(_ options: BenchOptions, _ report: Report) {
        for batch in options.batches ?? [32, 128] {
            for mode in options.cnnModes {
                for variant in mode == .train ? StepVariant.allCases : [.tape, .compiled] {
                    measure(mode: mode, batch: batch, variant: variant, options, report)
                }
            }
        }
    }

    static func measure(mode: BenchOptions.CNNMode, batch: Int, variant: StepVariant, _ options: BenchOptions, _ report: Report) {
        var generator = SeededGenerator(seed: 0)
        let images = Tensor<Float>(randomNormal: [batch, 32, 32, 3], using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let parameters = initialParameters(using: &generator)
        let step: () -> Void = withThreadCount(options.threads) {
            switch mode {
            case .train: trainingStep(variant, parameters, images, labels)
            case .infer: variant.isCompiled ? compiledInferenceStep(parameters, images) : inferenceStep(parameters, images)
            }
        }
        let reps = options.reps ?? 5
        let (times, load, steps) = Timing.steps(step, threads: options.threads, warmup: 3, target: 2, limit: 1000, reps: reps)
        let (best, median) = Timing.summary(times, per: Double(steps))
        let megaflop = mode == .train ? trainMegaflop : forwardMegaflop
        let peakResident = peakResidentMegabytes()
        report.emit([
            ("bench", .string("cifar_cnn")), ("framework", .string("swift")), ("variant", .string(variant.rawValue)),
            ("version", .string(frameworkVersion)), ("mode", .string(mode.rawValue)), ("batch", .int(batch)),
            ("steps_per_rep", .int(steps)), ("reps", .int(reps)),
            ("ms_per_step_min", .rounded(best * 1e3, 3)), ("ms_per_step_median", .rounded(median * 1e3, 3)),
            ("img_per_s_best", .rounded(Double(batch) / best, 1)), ("img_per_s_median", .rounded(Double(batch) / median, 1)),
            ("approx_gflops_best", .rounded(megaflop * 1e-3 * Double(batch) / best, 1)),
            ("peak_rss_mb", .rounded(peakResident, 1)),
        ] + Report.perPlacementFields(times, steps: steps, load: load, places: 3), threads: options.threads, load: load,
        summary: "cifar_cnn \(mode.rawValue) batch \(batch) \(variant.rawValue): \(fixed(best * 1e3, 3)) ms/step best, "
            + "\(fixed(median * 1e3, 3)) median, \(fixed(Double(batch) / best, 1)) img/s best; "
            + "peak RSS \(fixed(peakResident, 1)) MB (foreign load \(fixed(load.foreign, 2)))")
    }

    /// Filters (HWIO) and biases of the four convolutions, then the dense weights (64 × 10) and
    /// bias, uniform in ±√(6 / fan-in).
    static func initialParameters(using generator: inout SeededGenerator) -> [Tensor<Float>] {
        let shapes: [Shape] = [[5, 5, 3, 32], [5, 5, 32, 32], [5, 5, 32, 64], [4, 4, 64, 64], [64, 10]]
        var parameters: [Tensor<Float>] = []
        for shape in shapes {
            let fanIn = shape.elementCount / shape[shape.rank - 1]
            let limit = Float(6.0 / Double(fanIn)).squareRoot()
            parameters.append(Tensor(randomUniform: shape, in: -limit..<limit, using: &generator))
            parameters.append(.zeros([shape[shape.rank - 1]]))
        }
        return parameters
    }

    /// The logits of `images` ([N, 32, 32, 3]) under `p` (as ``initialParameters(using:)`` orders them).
    static func logits(_ p: [Tensor<Float>], _ images: Tensor<Float>) -> Tensor<Float> {
        let same = Padding.symmetric(2)
        var h = maxPool2d(conv2d(images, filter: p[0], bias: p[1], padding: same), window: (2, 2), strides: (2, 2)).relu()
        h = avgPool2d(conv2d(h, filter: p[2], bias: p[3], padding: same, rectified: true), window: (2, 2), strides: (2, 2))
        h = avgPool2d(conv2d(h, filter: p[4], bias: p[5], padding: same, rectified: true), window: (2, 2), strides: (2, 2))
        h = conv2d(h, filter: p[6], bias: p[7], rectified: true)
        return matmul(h.reshaped(to: [images.shape[0], 64]), p[8]).addingBias(p[9])
    }

    /// The loss of a batch: softmax cross-entropy of the logits against the labels.
    static func loss(_ p: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> Tensor<Float> {
        softmaxCrossEntropy(logits: logits(p, images), labels: labels)
    }

    /// Adam as Keras sets it up by default (η = 1e-3, ε = 1e-7): Train's optimiser, one fused
    /// loop per parameter tensor, as the trainers use it.
    static func adam() -> Adam<Float> { Adam(learningRate: 1e-3, epsilon: 1e-7) }

    /// A training step that carries the parameters and Adam's state from call to call: the
    /// gradient as `variant` computes it (see ``ShardedSteps``), then the update.
    static func trainingStep(_ variant: StepVariant, _ parameters: [Tensor<Float>], _ images: Tensor<Float>,
                             _ labels: [Int]) -> () -> Void {
        let gradient = ShardedSteps.gradient(variant, parameters, images, labels, minimumRows: 16, loss: loss)
        var (parameters, optimizer) = (parameters, adam())
        return { optimizer.update(&parameters, gradients: gradient(parameters)) }
    }

    /// The eager forward pass (no recording).
    static func inferenceStep(_ parameters: [Tensor<Float>], _ images: Tensor<Float>) -> () -> Void {
        { _ = logits(parameters, images) }
    }

    /// The forward pass compiled once and replayed.
    static func compiledInferenceStep(_ parameters: [Tensor<Float>], _ images: Tensor<Float>) -> () -> Void {
        let function = CompiledFunction(state: parameters, inputs: [images]) { state, inputs in
            (state, [logits(state, inputs[0])])
        }
        return { function.run([images]) }
    }

    /// The largest resident set size of this process so far (getrusage), in MB.
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
