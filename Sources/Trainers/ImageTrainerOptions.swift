import Autograd
import Foundation
import Kernels
import Train

/// The options the `mlp`, `cnn` and `resnet` trainers share.
let commonImageOptionSpecs: [OptionSpec] = [
    .value("data", default: "", placeholder: "DIR", help: "dataset folder or file (default: where scripts/fetch-datasets.sh puts it)"),
    .value("epochs", default: "", placeholder: "N", help: "epochs (default: the recipe's)"),
    .value("stop-after", default: "", placeholder: "N", help: "stop after epoch N of the --epochs (same schedule); --resume continues"),
    .value("batch", default: "", placeholder: "N", help: "mini-batch size (default: the recipe's)"),
    .value("seed", default: "1", placeholder: "N", help: "seed of weights, order, split and dropout"),
    .value("threads", default: "2", placeholder: "N", help: "CPU threads for the kernels"),
    .value("validation", default: "5000", placeholder: "N", help: "training images held out for validation (at most a fifth)"),
    .value("limit", default: "0", placeholder: "N", help: "use only the first N training images (0: all)"),
    .value("out", default: "", placeholder: "DIR", help: "write history.csv, loss.svg, error.svg, confusion.svg and checkpoint.safetensors here"),
    .value("resume", default: "", placeholder: "FILE", help: "continue the run that wrote this checkpoint (same settings; --epochs is the total)"),
    .flag("allow-changed-settings", help: "with --resume: go on although settings differ from the checkpoint's (then not the same run)"),
    .flag("json", help: "end with one JSON line of results"),
]

/// The `--augment` and `--no-augment` flags of the convolutional trainers; `augments` is what
/// applies when neither is given.
func augmentationOptionSpecs(byDefault augments: Bool) -> [OptionSpec] {
    [.flag("augment", help: "augment training images: random crop with 4 pixels of padding, horizontal flips (not for MNIST)"
               + (augments ? " (default)" : "")),
     .flag("no-augment", help: "train on the images as they are" + (augments ? "" : " (default)"))]
}

/// The parsed common options.
struct ImageTrainerSettings {
    var dataset: ImageDatasetChoice
    var location: String?
    var epochs: Int?
    /// The epoch after which this process stops (`--stop-after`), nil for all `epochs`.
    var stopAfter: Int?
    var batchSize: Int?
    var seed: UInt64
    var threads: Int
    var validationCount: Int
    var limit: Int?
    var outputDirectory: String?
    var resumePath: String?
    var allowsChangedSettings: Bool
    var json: Bool
    /// Whether training images are augmented: `--augment` or `--no-augment`, nil when neither is given.
    var augments: Bool?

    init(_ arguments: CommandLineOptions, datasets: [ImageDatasetChoice]) throws {
        dataset = ImageDatasetChoice(rawValue: try arguments.choice("dataset", among: datasets.map(\.rawValue)))!
        location = arguments.string("data").isEmpty ? nil : arguments.string("data")
        epochs = arguments.string("epochs").isEmpty ? nil : try arguments.integer("epochs", in: 1...10_000)
        stopAfter = arguments.string("stop-after").isEmpty ? nil : try arguments.integer("stop-after", in: 1...10_000)
        batchSize = arguments.string("batch").isEmpty ? nil : try arguments.integer("batch", in: 1...100_000)
        seed = UInt64(try arguments.integer("seed", in: 0...Int.max))
        threads = try arguments.integer("threads", in: 1...256)
        validationCount = try arguments.integer("validation", in: 0...1_000_000)
        let limit = try arguments.integer("limit", in: 0...Int.max)
        self.limit = limit == 0 ? nil : limit
        outputDirectory = arguments.string("out").isEmpty ? nil : arguments.string("out")
        resumePath = arguments.string("resume").isEmpty ? nil : arguments.string("resume")
        allowsChangedSettings = arguments.flag("allow-changed-settings")
        json = arguments.flag("json")
        switch (arguments.flag("augment"), arguments.flag("no-augment")) {
        case (true, true): throw CommandLineError(description: "'--augment' and '--no-augment' contradict each other: give one")
        case (true, false): augments = true
        case (false, true): augments = false
        case (false, false): augments = nil
        }
    }

    /// Creates the `--out` folder (and its parents) and checks that files can be created in it,
    /// so that a folder that cannot be written stops the run before it trains.
    func prepareOutputFolder() throws {
        guard let outputDirectory else { return }
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunError(description: "--out \(outputDirectory): cannot create the folder (\(systemReason(error)))")
        }
        let probe = outputDirectory + "/.write-test-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw RunError(description: "--out \(outputDirectory): cannot create files in it (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        unlink(probe)
    }

    /// The common flags that decide a run's result, with `batchSize` as the recipe resolved it
    /// (a checkpoint records them; `--data`, `--out`, `--threads` and `--json` do not count).
    func recordedFlags(batchSize: Int) -> [String: String] {
        ["--dataset": dataset.rawValue, "--seed": String(seed), "--validation": String(validationCount),
         "--limit": String(limit ?? 0), "--batch": String(batchSize)]
    }

    /// Prints the results line and, when asked, the JSON line (nothing unless `isPrimary`).
    func report(_ trainer: String, _ result: ImageClassifierRun.Result, isPrimary: Bool = true, recipe: String, epochs: Int,
                batchSize: Int, trainingImages: Int, seconds: Double) throws {
        guard isPrimary else { return }
        let accuracy = result.testAccuracy.isFinite ? String(format: "%.2f %% test accuracy", 100 * result.testAccuracy) : "no test images"
        say(String(format: "%@: %@ after %d epochs, %.1f s training (%.0f images/s), %.1f s in all",
                     trainer, accuracy, result.epochsTrained, result.trainingSeconds, result.imagesPerSecond, seconds))
        guard json else { return }
        var fields: [String: Any] = [
            "trainer": trainer, "framework": "swift", "dataset": dataset.rawValue, "recipe": recipe, "epochs": epochs,
            "batch": batchSize, "threads": threads, "kernel_level": KernelDispatch.level.rawValue, "seed": seed,
            "train_images": trainingImages,
            "test_accuracy": result.testAccuracy, "train_seconds": result.trainingSeconds,
            "images_per_second": result.imagesPerSecond, "seconds": seconds,
        ]
        if let topFive = result.topFiveError { fields["top5_error"] = topFive }
        say(try jsonLine(fields))
    }
}
