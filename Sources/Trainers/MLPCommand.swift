import Autograd
import Foundation
import Layers
import Train

/// The `mlp` trainer: a fully connected ReLU network on MNIST, Fashion-MNIST or the digits.
public enum MLPTrainer {
    /// The command-line options.
    public static let optionSpecs: [OptionSpec] = [
        .value("dataset", default: "mnist", placeholder: "NAME", help: "mnist, fashion-mnist, digits or mnist5k"),
        .value("hidden", default: "256", placeholder: "W,…", help: "hidden layer widths, comma-separated"),
        .value("lr", default: "0.001", placeholder: "η", help: "Adam's learning rate (cosine decay to 0 over the epochs)"),
    ] + commonImageOptionSpecs

    /// Runs the `mlp` command line; with `launch`, as one process of a data-parallel run.
    public static func main(launch: DataParallelLaunch? = nil) -> Never {
        runTrainer(program: "mlp", summary: "Trains an MLP (ReLU hidden layers, softmax cross-entropy, Adam) on real images.",
                   specs: optionSpecs, launch: launch) { arguments in
            let start = Date()
            let settings = try ImageTrainerSettings(arguments, datasets: [.mnist, .fashionMNIST, .digits, .mnist5k])
            let hidden = try arguments.string("hidden").split(separator: ",", omittingEmptySubsequences: false).map { text -> Int in
                guard let width = Int(text), width > 0 else {
                    throw CommandLineError(description: "'--hidden \(arguments.string("hidden"))': expected positive widths such as 256 or 512,256")
                }
                return width
            }
            let learningRate = try arguments.number("lr", in: 1e-9...10)
            let (epochs, batchSize) = (settings.epochs ?? 10, settings.batchSize ?? 64)
            try settings.prepareOutputFolder()
            try withThreadCount(settings.threads) {
                let data = try settings.dataset.prepare(location: settings.location, limit: settings.limit, side: nil,
                                                        validationCount: settings.validationCount, seed: settings.seed)
                let features = data.training.imageShape.elementCount
                try checkTrainingMemory(widths: [features] + hidden + [data.classNames.count], option: "--hidden \(arguments.string("hidden"))")
                var generator = SeededGenerator(seed: settings.seed)
                let model = Sequential<Float> {
                    Flatten<Float>()
                    Sequential<Float>.multilayerPerceptron(widths: [features] + hidden + [data.classNames.count], using: &generator)
                }
                let run = ImageClassifierRun(name: "mlp \([features] + hidden + [data.classNames.count]) on \(settings.dataset.rawValue)",
                                             data: data, epochs: epochs, stopAfter: settings.stopAfter, batchSize: batchSize, seed: settings.seed,
                                             outputDirectory: settings.outputDirectory, resumePath: settings.resumePath,
                                             recordedFlags: settings.recordedFlags(batchSize: batchSize).merging([
                                                 "--hidden": hidden.map(String.init).joined(separator: ","),
                                                 "--lr": String(learningRate), "--epochs": String(epochs),
                                             ]) { $1 },
                                             allowsChangedSettings: settings.allowsChangedSettings, log: { say($0) },
                                             dataParallel: launch?.group)
                let result = try run.train(model, optimizer: Adam<Float>(learningRate: learningRate),
                                           schedule: CosineDecayLearningRate(initial: learningRate, epochs: epochs))
                try settings.report("mlp", result, isPrimary: launch?.group.isPrimary ?? true, recipe: "adam-cosine", epochs: epochs, batchSize: batchSize,
                                    trainingImages: data.training.count, seconds: Date().timeIntervalSince(start))
            }
        }
    }
}

/// Stops with a usage error when an MLP through `widths`, trained with Adam, cannot fit in the
/// machine's memory: its parameters, their gradient and Adam's two moments are four copies of
/// them as `Float` (activations come on top). `option` names the flag that asked for it.
private func checkTrainingMemory(widths: [Int], option: String) throws {
    let parameters = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + Double($1.0) * Double($1.1) + Double($1.1) }
    let bytes = 4 * Double(MemoryLayout<Float>.size) * parameters
    guard bytes > Double(PhysicalMemory.bytes) else { return }
    throw CommandLineError(description: String(format: "'%@': a %@ network of %.3g parameters needs %.1f GB to train ", option,
                                               widths.map(String.init).joined(separator: "-"), parameters, bytes / 1e9)
                               + "(parameters, gradient and Adam's two moments), more than this machine's memory (\(PhysicalMemory.gigabytes(PhysicalMemory.bytes)))")
}
