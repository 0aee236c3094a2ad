import Autograd
import Foundation
import Train

extension ImageTrainerSettings {
    /// Runs an image trainer's command line the way `cnn` and `resnet` do: prepares the `--out`
    /// folder, then, on `threads` kernel threads, loads the dataset (padded to `side` × `side`
    /// when given; training images augmented as `--augment` or `--no-augment` asks, as
    /// `augmentsByDefault` says when neither is given), hands `train` the configured run and the
    /// generator of the weights, and prints the results line (and JSON) of what it trained.
    /// `flags` are the trainer's own flags that decide the result, which checkpoints record.
    func trainImageClassifier(
        _ trainer: String, title: String, recipe: String, epochs: Int, batchSize: Int, side: Int?, augmentsByDefault: Bool,
        flags: [String: String], launch: DataParallelLaunch?,
        _ train: (ImageClassifierRun, inout SeededGenerator) throws -> ImageClassifierRun.Result
    ) throws {
        let start = Date()
        let augments = self.augments ?? augmentsByDefault
        var flagsToRecord = recordedFlags(batchSize: batchSize).merging(flags) { $1 }
        if augments { flagsToRecord["--augment"] = "true" }  // absent when off, as in checkpoints written before the flag
        try prepareOutputFolder()
        try withThreadCount(run.threads) {
            let data = try dataset.prepare(location: location, limit: limit, side: side, validationCount: validationCount, seed: run.seed,
                                           augmentation: augments ? dataset.augmentation(seed: run.seed) : nil)
            var generator = SeededGenerator(seed: run.seed)
            let run = ImageClassifierRun(name: "\(title) on \(dataset.rawValue)", data: data, epochs: epochs, stopAfter: stopAfter,
                                         batchSize: batchSize, seed: run.seed, outputDirectory: run.outputDirectory, resumePath: run.resumePath,
                                         recordedFlags: flagsToRecord, allowsChangedSettings: run.allowsChangedSettings, log: { say($0) },
                                         dataParallel: launch?.group)
            let result = try train(run, &generator)
            try report(trainer, result, isPrimary: launch?.group.isPrimary ?? true, recipe: recipe, epochs: epochs, batchSize: batchSize,
                       trainingImages: data.training.count, seconds: Date().timeIntervalSince(start))
        }
    }
}
