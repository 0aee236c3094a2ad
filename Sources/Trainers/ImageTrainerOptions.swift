import Autograd
import Foundation
import Kernels
import Train

/// The options the `mlp`, `cnn` and `resnet` trainers share.
let commonImageOptionSpecs: [OptionSpec] = [
    .value("data", default: "", placeholder: "DIR", help: "dataset folder or file (default: where scripts/fetch-datasets.sh puts it)"),
    .value("stop-after", default: "", placeholder: "N", help: "stop after epoch N of the --epochs (same schedule); --resume continues"),
    .value("validation", default: "5000", placeholder: "N", help: "training images held out for validation (at most a fifth)"),
    .value("limit", default: "0", placeholder: "N", help: "use only the first N training images (0: all)"),
] + commonRunOptionSpecs(files: "history.csv, loss.svg, error.svg, confusion.svg")

/// The `--augment` and `--no-augment` flags of the convolutional trainers; `augments` is what
/// applies when neither is given.
func augmentationOptionSpecs(byDefault augments: Bool) -> [OptionSpec] {
    [.flag("augment", help: "augment training images: random crop with 4 pixels of padding, horizontal flips (not for MNIST)"
               + (augments ? " (default)" : "")),
     .flag("no-augment", help: "train on the images as they are" + (augments ? "" : " (default)"))]
}

/// The parsed common options: the image data's and those of every trainer (``RunOptions``,
/// whose fields read as this struct's own).
@dynamicMemberLookup
struct ImageTrainerSettings {
    var dataset: ImageDatasetChoice
    var location: String?
    var validationCount: Int
    var limit: Int?
    /// The epoch after which this process stops (`--stop-after`), nil for all `epochs`.
    var stopAfter: Int?
    /// Whether training images are augmented: `--augment` or `--no-augment`, nil when neither is given.
    var augments: Bool?
    var run: RunOptions

    init(_ arguments: CommandLineOptions, datasets: [ImageDatasetChoice]) throws {
        dataset = ImageDatasetChoice(rawValue: try arguments.choice("dataset", among: datasets.map(\.rawValue)))!
        location = arguments.string("data").isEmpty ? nil : arguments.string("data")
        run = try RunOptions(arguments)
        validationCount = try arguments.integer("validation", in: 0...1_000_000)
        let limit = try arguments.integer("limit", in: 0...Int.max)
        self.limit = limit == 0 ? nil : limit
        stopAfter = arguments.string("stop-after").isEmpty ? nil : try arguments.integer("stop-after", in: 1...10_000)
        switch (arguments.flag("augment"), arguments.flag("no-augment")) {
        case (true, true): throw CommandLineError(description: "'--augment' and '--no-augment' contradict each other: give one")
        case (true, false): augments = true
        case (false, true): augments = false
        case (false, false): augments = nil
        }
    }

    /// The shared option `member`.
    subscript<Value>(dynamicMember member: KeyPath<RunOptions, Value>) -> Value { run[keyPath: member] }

    /// Creates the `--out` folder (see ``RunOptions/prepareOutputFolder()``).
    func prepareOutputFolder() throws { try run.prepareOutputFolder() }

    /// The common flags that decide a run's result, with `batchSize` as the recipe resolved it
    /// (a checkpoint records them; `--data`, `--out`, `--threads` and `--json` do not count).
    func recordedFlags(batchSize: Int) -> [String: String] {
        ["--dataset": dataset.rawValue, "--seed": String(run.seed), "--validation": String(validationCount),
         "--limit": String(limit ?? 0), "--batch": String(batchSize)]
    }

    /// Prints the results line and, when asked, the JSON line (nothing unless `isPrimary`).
    func report(_ trainer: String, _ result: ImageClassifierRun.Result, isPrimary: Bool = true, recipe: String, epochs: Int,
                batchSize: Int, trainingImages: Int, seconds: Double) throws {
        guard isPrimary else { return }
        let accuracy = result.testAccuracy.isFinite ? String(format: "%.2f %% test accuracy", 100 * result.testAccuracy) : "no test images"
        say(String(format: "%@: %@ after %d epochs, %.1f s training (%.0f images/s), %.1f s in all",
                     trainer, accuracy, result.epochsTrained, result.trainingSeconds, result.imagesPerSecond, seconds))
        guard run.json else { return }
        var fields: [String: Any] = [
            "trainer": trainer, "framework": "swift", "dataset": dataset.rawValue, "recipe": recipe, "epochs": epochs,
            "batch": batchSize, "threads": run.threads, "kernel_level": KernelDispatch.level.rawValue, "seed": run.seed,
            "train_images": trainingImages,
            "test_accuracy": result.testAccuracy, "train_seconds": result.trainingSeconds,
            "images_per_second": result.imagesPerSecond, "seconds": seconds,
            "step_images_per_second": result.stepImagesPerSecond, "compiled_steps": result.compiledSteps, "steps": result.steps,
        ]
        if let topFive = result.topFiveError { fields["top5_error"] = topFive }
        say(try jsonLine(fields))
    }
}
