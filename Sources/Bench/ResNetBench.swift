import Autograd
import Layers
import Train

/// The peers' resnet.py in Swift: ResNet-20 with batch normalisation
/// (``Layers/Sequential/resNet20(inputChannels:classCount:using:)``, 272,474 parameters) on random
/// 32 × 32 × 3 NHWC images and 10 classes, trained with SGD (η = 0.1, momentum 0.9, weight decay
/// 5e-4 added to the gradient of every parameter, as PyTorch's `SGD(weight_decay=)`) and
/// BatchNorm momentum 0.1 (PyTorch's; Keras's 0.9), or run forward in inference mode.
///
/// Timed on the tape only: a compiled replay would not update BatchNorm's running statistics,
/// which the layer computes from the batch statistics' values outside the recorded operations.
enum ResNetBench {
    static func run(_ options: BenchOptions, _ report: Report) {
        for batch in options.batches ?? [128] {
            for mode in options.cnnModes { measure(mode: mode, batch: batch, options, report) }
        }
    }

    static func measure(mode: BenchOptions.CNNMode, batch: Int, _ options: BenchOptions, _ report: Report) {
        var generator = SeededGenerator(seed: 0)
        let model = Sequential<Float>.resNet20(inputChannels: 3, classCount: 10, using: &generator)
        let images = Tensor<Float>(randomNormal: [batch, 32, 32, 3], using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let step: () -> Void = withThreadCount(options.threads) {
            switch mode {
            case .train:
                ModelSteps.training(model, Momentum(learningRate: 0.1, momentum: 0.9, weightDecay: .coupled(5e-4)), input: images) {
                    softmaxCrossEntropy(logits: $0, labels: labels)
                }
            case .infer: ModelSteps.inference(model, input: images)
            }
        }
        let reps = options.reps ?? 5
        let (times, load, steps) = Timing.steps(step, threads: options.threads, warmup: 2, target: 2, limit: 1000, reps: reps)
        let (best, median) = Timing.summary(times, per: Double(steps))
        report.emit([
            ("bench", .string("resnet20")), ("framework", .string("swift")), ("variant", .string("tape")),
            ("version", .string(frameworkVersion)), ("mode", .string(mode.rawValue)), ("batch", .int(batch)),
            ("steps_per_rep", .int(steps)), ("reps", .int(reps)),
            ("ms_per_step_min", .rounded(best * 1e3, 3)), ("ms_per_step_median", .rounded(median * 1e3, 3)),
            ("img_per_s_best", .rounded(Double(batch) / best, 1)), ("img_per_s_median", .rounded(Double(batch) / median, 1)),
            ("parameters", .int(model.parameterCount)),
        ], threads: options.threads, load: load,
        summary: "resnet20 \(mode.rawValue) batch \(batch): \(fixed(best * 1e3, 3)) ms/step best, \(fixed(median * 1e3, 3)) median, "
            + "\(fixed(Double(batch) / best, 1)) img/s best; \(model.parameterCount) parameters (foreign load \(fixed(load.foreign, 2)))")
    }
}
