import Autograd
import Foundation
import Kernels
import Layers
import Train

/// The `gpt` trainer: a character-level GPT (``Layers/Sequential/gpt(vocabularySize:contextLength:width:headCount:blockCount:hiddenWidth:activation:dropoutRate:using:file:line:)``,
/// the peers' transformer.py model) on Shakespeare's works, next-token cross-entropy in nats per
/// character, AdamW; then it continues a prompt, greedily and at a temperature.
public enum GPTTrainer {
    /// The command-line options.
    public static let optionSpecs: [OptionSpec] = [
        .value("data", default: "", placeholder: "FILE",
               help: "text file, printable ASCII and newlines (default: the Shakespeare file scripts/fetch-datasets.sh fetches)"),
        .value("steps", default: "", placeholder: "N", help: "training steps per epoch (default: 200; --quick: 4)"),
        .value("lr", default: "3e-4", placeholder: "η", help: "AdamW's learning rate (constant)"),
        .value("weight-decay", default: "0.1", placeholder: "λ", help: "AdamW's decoupled weight decay, on weight matrices only"),
        .value("validation-windows", default: "256", placeholder: "N",
               help: "evenly spaced windows of the held-out last 10 % of the text for the validation loss"),
        .value("prompt", default: "ROMEO:", placeholder: "TEXT", help: "the text the trained model continues"),
        .value("generate", default: "300", placeholder: "N", help: "characters generated after the prompt"),
        .value("temperature", default: "0.8", placeholder: "τ", help: "temperature of the sampled continuation"),
        .flag("quick", help: "a tiny model on a built-in sonnet (unless --data), 2 epochs of 4 steps of 4 windows: a check"),
    ] + commonRunOptionSpecs(files: "history.csv, loss.svg")

    /// Runs the `gpt` command line; with `launch`, as one process of a data-parallel run (only
    /// rank 0 prints, generates text and writes files).
    public static func main(launch: DataParallelLaunch? = nil) -> Never {
        runTrainer(program: "gpt", summary: "Trains a character-level GPT (the peers' transformer.py model) on Shakespeare and samples text from it.",
                   specs: optionSpecs, launch: launch) { arguments in
            let isPrimary = launch?.group.isPrimary ?? true
            let say: (String) -> Void = isPrimary ? { Trainers.say($0) } : { _ in }
            let start = Date()
            let options = try RunOptions(arguments)
            let quick = arguments.flag("quick")
            let shape = quick ? GPTShape.quick : .peers
            let epochs = options.epochs ?? (quick ? 2 : 5)
            let steps = arguments.string("steps").isEmpty ? (quick ? 4 : 200) : try arguments.integer("steps", in: 1...1_000_000)
            let batchSize = options.batchSize ?? (quick ? 4 : 16)
            let learningRate = try arguments.number("lr", in: 1e-9...10)
            let weightDecay = try arguments.number("weight-decay", in: 0...10)
            let validationWindows = try arguments.integer("validation-windows", in: 0...1_000_000)
            let generated = try arguments.integer("generate", in: 0...100_000)
            let temperature = try arguments.number("temperature", in: 1e-3...100)
            let dataPath = arguments.string("data").isEmpty ? nil : arguments.string("data")
            try options.prepareOutputFolder()
            let corpus = try dataPath.map { try TextCorpus(contentsOf: $0, vocabulary: TextCorpus.printableASCII) }
                ?? (quick ? TextCorpus(bytes: Array(sonnet18.utf8), vocabulary: TextCorpus.printableASCII) : Datasets.shakespeare())
            let prompt = try corpus.encoded(arguments.string("prompt"), name: "--prompt")
            let (trainingIds, validationIds) = corpus.split(heldOutFraction: 0.1)
            guard trainingIds.count > shape.context, validationIds.count > shape.context else {
                throw RunError(description: "the text of \(corpus.ids.count) characters is too short: its first 90 % and its last 10 % "
                                   + "must each hold more than the context of \(shape.context) characters")
            }
            try withThreadCount(options.threads) {
                var generator = SeededGenerator(seed: options.seed)
                let model = shape.model(using: &generator)
                var trainer = Trainer(model: model, optimizer: Adam<Float>.adamW(learningRate: learningRate, weightDecay: weightDecay, epsilon: 1e-8),
                                      loss: .nextTokenCrossEntropy, seed: options.seed)
                trainer.rateUnit = "char/s"  // the metrics count every position of a window
                trainer.settings = ["--quick": String(quick), "--steps": String(steps), "--batch": String(batchSize),
                                    "--seed": String(options.seed), "--lr": String(learningRate), "--weight-decay": String(weightDecay),
                                    "--validation-windows": String(validationWindows)]
                trainer.dataParallel = launch.flatMap { $0.group.size > 1 ? $0.group : nil }  // one process trains as the plain trainer does
                if let resumePath = options.resumePath {
                    try trainer.resumeForCommand(from: resumePath, allowsChangedSettings: options.allowsChangedSettings,
                                                 processCount: launch?.group.size ?? 1)
                    say("resumed from \(resumePath) after epoch \(trainer.epochsCompleted) (step \(trainer.stepsCompleted))")
                }
                let training = TokenWindows<Float>.random(from: trainingIds, length: shape.context, count: steps * batchSize, seed: options.seed)
                let validation = TokenWindows<Float>.evenlySpaced(from: validationIds, length: shape.context, count: validationWindows)
                let checkpointPath = options.outputDirectory.map { $0 + "/checkpoint.safetensors" }
                let remaining = max(0, epochs - trainer.epochsCompleted)
                let processes = launch.map { "\($0.group.size) processes × " } ?? ""
                say("gpt: \(trainingIds.count) training and \(validationIds.count) validation characters (\(validation.count) windows); "
                    + "\(trainer.model.parameterCount) parameters; \(remaining) epochs of \(steps) steps of \(batchSize) × \(shape.context) "
                    + "characters on \(processes)\(ComputeThreads.current) thread(s), \(KernelDispatch.level.summary) kernels")
                let (history, seconds) = try trainer.fitForCommand(
                    training: training, validation: validation, epochs: remaining, batchSize: batchSize,
                    callbacks: checkpointPath.map { [CheckpointEveryEpoch(path: $0)] } ?? [], checkpointPath: checkpointPath, log: say)
                guard isPrimary else { return }  // rank 0 reports, generates and writes
                let last = history.epochs.last
                say("")
                say("loss in nats per character: training \(formatted(last?.trainingLoss)), validation \(formatted(last?.validationLoss))")
                let greedy = trainer.model.generatedTokens(after: prompt, count: generated, contextLength: shape.context,
                                                           sampling: .greedy, using: &generator)
                var sampler = SeededGenerator(seed: options.seed)
                let sampled = trainer.model.generatedTokens(after: prompt, count: generated, contextLength: shape.context,
                                                            sampling: .temperature(temperature), using: &sampler)
                say("greedy continuation of \"\(arguments.string("prompt"))\":\n\(corpus.text(of: prompt + greedy))")
                say("")
                say("sampled at temperature \(temperature):\n\(corpus.text(of: prompt + sampled))")
                if let outputDirectory = options.outputDirectory {
                    try history.writeCSV(to: outputDirectory + "/history.csv")
                    try history.lossChart(title: "gpt: loss per epoch (nats per character)").write(to: outputDirectory + "/loss.svg")
                    try trainer.saveCheckpoint(to: checkpointPath!)
                    say("history, loss.svg and checkpoint written to \(outputDirectory)/")
                }
                let tokens = Double(history.epochs.count * steps * batchSize * shape.context)
                say(String(format: "gpt: %d epochs, %.1f s training (%.0f characters/s), %.1f s in all",
                           history.epochs.count, seconds, tokens / max(seconds, 1e-9), Date().timeIntervalSince(start)))
                guard options.json else { return }
                say(try jsonLine([
                    "trainer": "gpt", "framework": "swift", "quick": quick, "epochs": epochs, "steps_per_epoch": steps,
                    "batch": batchSize, "context": shape.context, "threads": options.threads, "seed": options.seed,
                    "kernel_level": KernelDispatch.level.rawValue, "parameters": trainer.model.parameterCount,
                    "learning_rate": learningRate, "weight_decay": weightDecay,
                    "train_loss": last?.trainingLoss ?? Double.nan, "val_loss": last?.validationLoss ?? Double.nan,
                    "train_seconds": seconds, "tokens_per_second": tokens / max(seconds, 1e-9),
                    "seconds": Date().timeIntervalSince(start), "greedy_sample": corpus.text(of: greedy),
                ]))
            }
        }
    }

    /// "1.234" (nats), or "-" when not measured.
    private static func formatted(_ loss: Double?) -> String { loss.map { String(format: "%.4f", $0) } ?? "-" }
}

/// The size of the `gpt` trainer's model.
struct GPTShape {
    var context: Int, width: Int, heads: Int, blocks: Int, hidden: Int

    /// transformer.py's: context 128, width 128, 4 heads, 4 blocks, perceptron 512 (834,400 parameters).
    static let peers = GPTShape(context: 128, width: 128, heads: 4, blocks: 4, hidden: 512)
    /// A tiny one for checks: context 16, width 16, 2 heads, 1 block, perceptron 32.
    static let quick = GPTShape(context: 16, width: 16, heads: 2, blocks: 1, hidden: 32)

    /// The model over the 96 characters of ``TextCorpus/printableASCII``.
    func model(using generator: inout SeededGenerator) -> Sequential<Float> {
        .gpt(vocabularySize: TextCorpus.printableASCII.count, contextLength: context, width: width, headCount: heads,
             blockCount: blocks, hiddenWidth: hidden, using: &generator)
    }
}

/// Shakespeare's Sonnet 18: the `--quick` text.
private let sonnet18 = """
    Shall I compare thee to a summer's day?
    Thou art more lovely and more temperate:
    Rough winds do shake the darling buds of May,
    And summer's lease hath all too short a date;
    Sometime too hot the eye of heaven shines,
    And often is his gold complexion dimm'd;
    And every fair from fair sometime declines,
    By chance or nature's changing course untrimm'd;
    But thy eternal summer shall not fade,
    Nor lose possession of that fair thou ow'st;
    Nor shall death brag thou wander'st in his shade,
    When in eternal lines to time thou grow'st:
    So long as men can breathe or eyes can see,
    So long lives this, and this gives life to thee.

    """
