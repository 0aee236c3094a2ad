import Autograd
import Layers
import Train

/// The peers' transformer.py in Swift: a character-level GPT
/// (``Layers/Sequential/gpt(vocabularySize:contextLength:width:headCount:blockCount:hiddenWidth:activation:dropoutRate:using:file:line:)``:
/// vocabulary 96, context 128, width 128, 4 heads, 4 pre-LayerNorm blocks, perceptron 512 with
/// GELU's tanh form, no dropout; 834,400 parameters) trained on random token ids to predict the
/// next one, softmax cross-entropy over every position, with AdamW (η = 3e-4, β 0.9/0.999,
/// ε = 1e-8, decoupled weight decay 0.1 on the weight matrices: the optimisers' default roles
/// leave biases, LayerNorm scales and shifts and embeddings undecayed, where transformer.py decays
/// every parameter; the arithmetic per step is the same). Tape only.
enum GPTBench {
    static let (vocabulary, context, width, heads, blocks, hidden) = (96, 128, 128, 4, 4, 512)
    /// FLOP per trained token, as transformer.py counts them: 6 per matrix parameter and 6 · T · D
    /// per block for the causal attention.
    static let trainFlopPerToken = Double(6 * (blocks * (4 * width * width + 2 * width * hidden) + width * vocabulary)
        + 6 * blocks * context * width)

    static func run(_ options: BenchOptions, _ report: Report) {
        for batch in options.batches ?? [16] { measure(batch: batch, options, report) }
    }

    static func measure(batch: Int, _ options: BenchOptions, _ report: Report) {
        var generator = SeededGenerator(seed: 0)
        let model = Sequential<Float>.gpt(vocabularySize: vocabulary, contextLength: context, width: width, headCount: heads,
                                          blockCount: blocks, hiddenWidth: hidden, using: &generator)
        let tokens = (0..<batch).map { _ in (0...context).map { _ in Int.random(in: 0..<vocabulary, using: &generator) } }
        let ids = Tensor<Float>(tokens.flatMap { $0.dropLast().map(Float.init) }, shape: [batch, context])
        let labels = Tensor<Int32>(tokens.flatMap { $0.dropFirst().map(Int32.init) }, shape: [batch * context])
        let step: () -> Void = withThreadCount(options.threads) {
            ModelSteps.training(model, Adam<Float>.adamW(learningRate: 3e-4, weightDecay: 0.1, epsilon: 1e-8), input: ids) {
                softmaxCrossEntropy(logits: $0.reshaped(to: [batch * context, vocabulary]), labels: labels)
            }
        }
        let reps = options.reps ?? 5
        let (times, load, steps) = Timing.steps(step, threads: options.threads, warmup: 2, target: 2, limit: 1000, reps: reps)
        let (best, median) = Timing.summary(times, per: Double(steps))
        let tokensPerStep = Double(batch * context)
        report.emit([
            ("bench", .string("gpt_tiny")), ("framework", .string("swift")), ("variant", .string("tape")),
            ("version", .string(frameworkVersion)), ("mode", .string("train")), ("batch", .int(batch)), ("context", .int(context)),
            ("steps_per_rep", .int(steps)), ("reps", .int(reps)),
            ("ms_per_step_min", .rounded(best * 1e3, 3)), ("ms_per_step_median", .rounded(median * 1e3, 3)),
            ("tokens_per_s_best", .rounded(tokensPerStep / best, 1)), ("tokens_per_s_median", .rounded(tokensPerStep / median, 1)),
            ("approx_gflops_best", .rounded(tokensPerStep * trainFlopPerToken / best * 1e-9, 1)),
            ("parameters", .int(model.parameterCount)),
        ], threads: options.threads, load: load,
        summary: "gpt_tiny train batch \(batch): \(fixed(best * 1e3, 3)) ms/step best, \(fixed(median * 1e3, 3)) median, "
            + "\(fixed(tokensPerStep / best, 1)) tokens/s best; \(model.parameterCount) parameters (foreign load \(fixed(load.foreign, 2)))")
    }
}
