import Autograd

/// The peers' mnist_mlp.py in Swift: a 784-256-10 ReLU MLP with softmax cross-entropy and plain
/// SGD (learning rate 0.01) on random MNIST-shaped data, timed eagerly (`tape`), as a
/// ``CompiledFunction`` (`compiled`), and with the batch in shards that each thread takes
/// through both passes (`sharded`, `sharded-compiled`, see ``ShardedSteps``).
enum MLPBench {
    /// FLOP per trained image, as mnist_mlp.py counts them: forward and weight gradients of both
    /// layers, and the hidden layer's input gradient.
    static let trainFlop = Double(2 * 2 * (784 * 256 + 256 * 10) + 2 * 256 * 10)
    static let learningRate: Float = 0.01
    /// The fewest examples per shard of the sharded variants: each shard's weight gradients
    /// (784 × 256 and 256 × 10) are as large as the whole batch's and are summed once per shard,
    /// so dense layers need more rows per shard than the CNN's 16 to pay for that sum.
    static let shardRows = 128

    static func run(_ options: BenchOptions, _ report: Report) {
        for batch in options.batches ?? [64, 256] {
            for variant in StepVariant.allCases { measure(batch: batch, variant: variant, options, report) }
        }
    }

    static func measure(batch: Int, variant: StepVariant, _ options: BenchOptions, _ report: Report) {
        var generator = SeededGenerator(seed: 0)
        let images = Tensor<Float>(randomUniform: [batch, 784], in: 0..<1, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let parameters = initialParameters(using: &generator)
        let step: () -> Void = withThreadCount(options.threads) {
            switch variant {
            case .tape: eagerStep(parameters, images, labels)
            case .compiled: compiledStep(parameters, images, labels)
            case .sharded, .shardedCompiled: shardedStep(variant, parameters, images, labels)
            }
        }
        let reps = options.reps ?? 5
        let (times, load, steps) = Timing.steps(step, threads: options.threads, warmup: 20, target: 1, limit: 20_000, reps: reps)
        let (best, median) = Timing.summary(times, per: Double(steps))
        report.emit([
            ("bench", .string("mnist_mlp")), ("framework", .string("swift")), ("variant", .string(variant.rawValue)),
            ("version", .string(frameworkVersion)), ("batch", .int(batch)),
            ("steps_per_rep", .int(steps)), ("reps", .int(reps)),
            ("ms_per_step_min", .rounded(best * 1e3, 4)), ("ms_per_step_median", .rounded(median * 1e3, 4)),
            ("img_per_s_best", .rounded(Double(batch) / best, 1)), ("img_per_s_median", .rounded(Double(batch) / median, 1)),
            ("approx_gflops_best", .rounded(trainFlop * Double(batch) / best * 1e-9, 1)),
        ] + Report.perPlacementFields(times, steps: steps, load: load, places: 4), threads: options.threads, load: load,
        summary: "mnist_mlp batch \(batch) \(variant.rawValue): \(fixed(best * 1e3, 4)) ms/step best, "
            + "\(fixed(Double(batch) / best, 1)) img/s best (foreign load \(fixed(load.foreign, 2)))")
    }

    /// W₁ (784 × 256), b₁, W₂ (256 × 10), b₂: Glorot uniform weights, zero biases.
    static func initialParameters(using generator: inout SeededGenerator) -> [Tensor<Float>] {
        [(784, 256), (256, 10)].flatMap { (fanIn, fanOut) -> [Tensor<Float>] in
            let limit = Float(6.0 / Double(fanIn + fanOut)).squareRoot()
            return [Tensor(randomUniform: [fanIn, fanOut], in: -limit..<limit, using: &generator), .zeros([fanOut])]
        }
    }

    /// The mean softmax cross-entropy of the MLP's logits of `images` against `labels`.
    static func loss(_ p: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> Tensor<Float> {
        let hidden = matmul(images, p[0]).addingBias(p[1], rectified: true)
        return softmaxCrossEntropy(logits: matmul(hidden, p[2]).addingBias(p[3]), labels: labels)
    }

    /// One SGD step on `parameters`: the updated parameters.
    static func train(_ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> [Tensor<Float>] {
        update(parameters, gradients: gradient(at: parameters) { loss($0, images, labels) })
    }

    /// `parameters` moved by −η × `gradients`.
    static func update(_ parameters: [Tensor<Float>], gradients: [Tensor<Float>]) -> [Tensor<Float>] {
        zip(parameters, gradients).map { $0.adding($1, scaledBy: -learningRate) }
    }

    /// An eager step that carries the parameters from call to call.
    static func eagerStep(_ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> () -> Void {
        var state = parameters
        return { state = train(state, images, labels) }
    }

    /// The step compiled once and replayed.
    static func compiledStep(_ parameters: [Tensor<Float>], _ images: Tensor<Float>, _ labels: [Int]) -> () -> Void {
        let function = CompiledFunction(state: parameters, inputs: [images]) { state, inputs in
            (train(state, inputs[0], labels), [])
        }
        return { function.run([images]) }
    }

    /// A step whose gradient is the sum of the shards' (see ``ShardedSteps``), then the same update.
    static func shardedStep(_ variant: StepVariant, _ parameters: [Tensor<Float>], _ images: Tensor<Float>,
                            _ labels: [Int]) -> () -> Void {
        let gradient = ShardedSteps.gradient(variant, parameters, images, labels, minimumRows: shardRows, loss: loss)
        var state = parameters
        return { state = update(state, gradients: gradient(state)) }
    }
}
