/// The settings a restored checkpoint was written with, which the next `fit` must match:
/// continuing with other settings would not give the run that wrote the checkpoint.
struct ResumeCheck {
    /// The checkpoint's settings; nil when it records none.
    var settings: [String: String]?
    /// The checkpoint, for errors.
    var source: String

    /// Throws `settingsMismatch` naming every setting whose value differs from the checkpoint's.
    func verify(_ current: [String: String]) throws {
        guard let settings else {
            throw CheckpointError(.settingsMismatch, file: source,
                                  "the checkpoint records no run settings, so whether this run continues it cannot be checked")
        }
        let differences = Set(settings.keys).union(current.keys).sorted().compactMap { key in
            settings[key] == current[key] ? nil : "\(key): \(settings[key] ?? "absent") in the checkpoint, \(current[key] ?? "absent") now"
        }
        guard differences.isEmpty else {
            throw CheckpointError(.settingsMismatch, file: source,
                                  "this run's settings differ from those of the run that wrote the checkpoint: "
                                      + differences.joined(separator: "; "))
        }
    }
}

extension Trainer {
    /// The metadata key under which a checkpoint keeps ``runSettings`` (a JSON object of strings).
    static var settingsKey: String { "swift-autograd.settings" }

    /// The settings a checkpoint records: ``settings`` and those the last `fit` added.
    public var runSettings: [String: String] { settings.merging(fitSettings) { _, added in added } }

    /// The settings `fit` adds for a run on `training` and `validation` in batches of `batchSize`.
    /// A data-parallel run of several processes adds their number: a checkpoint continues only
    /// with as many (each trains on its part of every batch). So does ``batchSharding`` when on
    /// (it changes the results by rounding and the dropout masks).
    func fitSettings(training: DataFingerprint, validation: DataFingerprint?, batchSize: Int, withReplacement: Bool) -> [String: String] {
        var settings = [
            "batch size": String(batchSize),
            "sampling": withReplacement ? "with replacement" : "without replacement",
            "learning rate schedule": schedule.map { String(describing: $0) } ?? "none (the optimiser's rate, \(optimizer.learningRate))",
            "L2 penalty": String(l2Penalty),
            "gradient clipping": gradientClipNorm.map { "global norm \($0)" } ?? "none",
            "training data": training.description,
            "validation data": validation?.description ?? "none",
        ]
        if let size = dataParallel?.size, size > 1 { settings[Self.processesKey] = String(size) }
        if !parameterGroups.isEmpty { settings["parameter groups"] = parameterGroups.map(\.settingDescription).joined(separator: "; ") }
        if batchSharding { settings["batch sharding"] = "shards of at least 16 examples, at most 4" }
        return settings
    }

    /// The name of the setting that records the number of data-parallel processes.
    public static var processesKey: String { "data-parallel processes" }

    /// `settings` as the JSON text a checkpoint stores.
    static func encoded(_ settings: [String: String]) -> String {
        JSON.object(settings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).encoded
    }

    /// The settings stored under ``settingsKey`` in `metadata`, nil if there are none.
    static func decodedSettings(_ metadata: [String: String], source: String) throws -> [String: String]? {
        guard let text = metadata[settingsKey] else { return nil }
        func bad(_ problem: String) -> CheckpointError {
            CheckpointError(.badEntry, file: source, "metadata \"\(settingsKey)\" \(problem)")
        }
        let value: JSON
        do {
            value = try JSON.parse(ArraySlice(text.utf8))
        } catch {
            throw bad("is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        return try value.stringMembers(bad)
    }
}
