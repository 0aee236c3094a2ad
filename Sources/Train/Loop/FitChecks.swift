extension Trainer {
    /// What `fit` checks before its first step, changing nothing when a check fails: the data
    /// (examples present, every value finite), that the model takes an example of each set
    /// (else a stop at the caller's `file` and `line`), and after a restore that the run's
    /// settings are the checkpoint's. Then records the settings `fit` adds.
    mutating func checkBeforeTraining<Data: BatchSource>(
        training: Data, validation: Data?, batchSize: Int, withReplacement: Bool, file: StaticString, line: UInt
    ) throws where Data.Scalar == Scalar {
        let added = try fitSettings(training: training.checkedFingerprint(name: "training data"),
                                    validation: validation?.checkedFingerprint(name: "validation data"),
                                    batchSize: batchSize, withReplacement: withReplacement)
        for data in [training] + (validation.map { [$0] } ?? []) {
            _ = model.checkedOutputShape(forInputShape: data.trainingBatch(0..<1).inputs.shape, operation: "fit", file: file, line: line)
        }
        try resumeCheck?.verify(settings.merging(added) { _, added in added })
        resumeCheck = nil
        fitSettings = added
    }
}
