import Autograd
import Foundation
import Kernels
import Layers
import Train

/// A training run of an image classifier: the part the `mlp`, `cnn` and `resnet` trainers share.
struct ImageClassifierRun {
    var name: String
    var data: PreparedData
    var epochs: Int
    /// The epoch after which this process stops although the run has `epochs` (the schedule is
    /// the one of `epochs`), to be continued by `--resume`; nil to train them all.
    var stopAfter: Int?
    var batchSize: Int
    var seed: UInt64
    var outputDirectory: String?
    var resumePath: String?
    /// The flags that decide the result, recorded in checkpoints and checked on `--resume`.
    var recordedFlags: [String: String]
    /// Whether `--resume` may go on with other settings than the checkpoint's.
    var allowsChangedSettings: Bool
    var log: (String) -> Void
    /// The processes of a data-parallel run (`mpirun`), nil for one process; only rank 0 logs,
    /// evaluates on the test images and writes files.
    var dataParallel: (any DataParallelGroup)? = nil

    /// What the run measured.
    struct Result {
        var testAccuracy: Double
        var topFiveError: Double?
        var trainingSeconds: Double
        var imagesPerSecond: Double
        var epochsTrained: Int
        /// Images per second of the training steps alone (no validation, no callbacks).
        var stepImagesPerSecond: Double
        /// How many of this run's steps were compiled replays (``Trainer/compiledStepCount``), and how many ran.
        var compiledSteps: Int
        var steps: Int
    }

    /// Trains `model` with `optimizer` and the learning rates of `schedule`, then evaluates on
    /// the test images, prints the confusion matrix and writes the history, plots and checkpoint.
    func train<Model: Module, Opt: Optimizer>(
        _ model: Model, optimizer: Opt, schedule: (any LearningRateSchedule)?
    ) throws -> Result where Model.Scalar == Float, Opt.Scalar == Float {
        let isPrimary = dataParallel?.isPrimary ?? true
        let log = isPrimary ? log : { _ in }
        var trainer = Trainer(model: model, optimizer: optimizer, loss: .softmaxCrossEntropy, seed: seed)
        trainer.schedule = schedule
        trainer.settings = recordedFlags
        trainer.dataParallel = dataParallel.flatMap { $0.size > 1 ? $0 : nil }  // one process trains as the plain trainer does
        if let resumePath {
            try trainer.resumeForCommand(from: resumePath, allowsChangedSettings: allowsChangedSettings, processCount: dataParallel?.size ?? 1)
            log("resumed from \(resumePath) after epoch \(trainer.epochsCompleted) (step \(trainer.stepsCompleted))")
        }
        let checkpointPath = outputDirectory.map { $0 + "/checkpoint.safetensors" }
        var callbacks: [any TrainingCallback] = []
        if let checkpointPath { callbacks.append(CheckpointEveryEpoch(path: checkpointPath)) }

        let remaining = max(0, min(epochs, stopAfter ?? epochs) - trainer.epochsCompleted)
        let processes = dataParallel.map { "\($0.size) processes × " } ?? ""
        log("\(name): \(data.training.count) training, \(data.validation.count) validation, \(data.test.count) test images; \(trainer.model.parameterCount) parameters; \(remaining) epochs of batches of \(batchSize) on \(processes)\(ComputeThreads.current) thread(s), \(KernelDispatch.level.summary) kernels")
        let stepsBefore = trainer.stepsCompleted
        let (history, seconds) = try trainer.fitForCommand(
            training: data.training.prefetching(), validation: data.validation.prefetching(), epochs: remaining, batchSize: batchSize,
            callbacks: callbacks, checkpointPath: checkpointPath, log: log)
        let trained = history.epochs.count
        func result(testAccuracy: Double, topFiveError: Double?) -> Result {
            Result(testAccuracy: testAccuracy, topFiveError: topFiveError, trainingSeconds: seconds,
                   imagesPerSecond: Double(trained * data.training.count) / max(seconds, 1e-9), epochsTrained: trained,
                   stepImagesPerSecond: Double(trainer.trainingStepExamples) / max(trainer.trainingStepSeconds, 1e-9),
                   compiledSteps: trainer.compiledStepCount, steps: trainer.stepsCompleted - stepsBefore)
        }
        guard isPrimary else { return result(testAccuracy: .nan, topFiveError: nil) }  // rank 0 evaluates and writes

        let test = trainer.model.evaluate(on: data.test, loss: .softmaxCrossEntropy, topK: 5)
        let confusion = trainer.model.confusionMatrix(on: data.test, classNames: data.classNames)
        log("")
        log(test.count == 0 ? "no test images: the test accuracy is not measured"
            : String(format: "test accuracy %.2f %% (%d images), top-5 error %.2f %%", 100 * test.accuracy, test.count,
                     100 * (test.topKError ?? .nan)))
        log("confusion matrix (rows: predicted class, columns: true class; seed 004's convention):")
        log(confusion.description)

        if let outputDirectory {
            try history.writeCSV(to: outputDirectory + "/history.csv")
            try history.lossChart(title: "\(name): loss per epoch").write(to: outputDirectory + "/loss.svg")
            try history.errorChart(title: "\(name): error per epoch").write(to: outputDirectory + "/error.svg")
            try confusion.heatMap(title: "\(name): confusion matrix (test)").write(to: outputDirectory + "/confusion.svg")
            try trainer.saveCheckpoint(to: checkpointPath!)
            log("history, plots (loss.svg, error.svg, confusion.svg) and checkpoint written to \(outputDirectory)/")
        }
        return result(testAccuracy: test.accuracy, topFiveError: test.topKError)
    }
}

/// A run a guard stopped (a NaN or a divergence): the trainer then exits with status 1 instead
/// of evaluating and writing the broken model.
struct TrainingStopped: Error, CustomStringConvertible {
    /// What the guard found.
    var reason: StopReason
    /// Where the run's checkpoints go, if anywhere.
    var checkpointPath: String?

    var description: String {
        "training stopped: \(reason)\nnothing was evaluated or written after the stop"
            + (checkpointPath.map { "; \($0) holds the last checkpoint written before it, if any" } ?? "")
    }
}
