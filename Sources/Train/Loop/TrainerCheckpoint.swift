import Autograd
import Layers

extension Trainer {
    /// The metadata key under which a checkpoint keeps the history (``History/csv``).
    static var historyKey: String { "swift-autograd.history" }
    /// The name of the training generator in a checkpoint.
    static var generatorName: String { "training" }
    /// The metadata key under which a checkpoint lists each parameter's role, one `name role`
    /// line per parameter in order (`conv.weight weight`, `norm.scale scale`).
    static var rolesKey: String { "swift-autograd.parameter-roles" }
    /// The metadata key under which a checkpoint keeps ``firstLoss`` (as exact decimal text).
    static var firstLossKey: String { "swift-autograd.first-loss" }
    /// The metadata key under which a checkpoint keeps ``learningRateFactor`` (when it is not 1).
    static var learningRateFactorKey: String { "swift-autograd.learning-rate-factor" }

    /// Everything needed to continue this run exactly: the parameters (with their roles in the
    /// metadata), the model's state (running statistics) and the optimiser state by name, the
    /// epochs and steps completed, the generator (as it is between epochs), the per-epoch
    /// history, the first loss (the divergence guard's reference), the learning-rate factor
    /// and the ``runSettings``.
    public var trainingState: TrainingState<Scalar> {
        var metadata = [Self.historyKey: history.csv, Self.settingsKey: Self.encoded(runSettings)]
        metadata[Self.firstLossKey] = firstLoss.map { "\($0)" }
        let parameters = model.parameters
        metadata[Self.rolesKey] = parameters.map { "\($0.name) \($0.role.rawValue)" }.joined(separator: "\n")
        if learningRateFactor != 1 { metadata[Self.learningRateFactorKey] = "\(learningRateFactor)" }
        return TrainingState(
            parameters: parameters.map { ($0.name, $0.value) }, modelState: model.state.map { ($0.name, $0.value) },
            optimizerState: optimizer.state.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            epoch: epochsCompleted, step: stepsCompleted, generators: [Self.generatorName: generator],
            metadata: metadata)
    }

    /// Writes ``trainingState`` to `path` atomically (a safetensors file); a state holding a NaN
    /// or an infinity is refused (``CheckpointError``, `nonFinite`) and the file left as it was.
    public func saveCheckpoint(to path: String) throws { try trainingState.write(to: path) }

    /// Continues from `state`, saved by a trainer of the same model and optimiser: the next
    /// `fit` gives bit for bit what the saving run would have given. Throws
    /// ``CheckpointError`` or ``OptimizerStateError`` naming what does not match; then nothing
    /// is changed.
    ///
    /// The next `fit` then compares its ``runSettings`` with the state's and throws
    /// `settingsMismatch`, before any step, when one differs (another batch size, other data,
    /// another schedule or ``settings`` value); with `allowingChangedSettings` it goes on with
    /// the new settings, knowing that the result differs from the saving run's.
    public mutating func restore(from state: TrainingState<Scalar>, allowingChangedSettings: Bool = false) throws {
        try restore(from: state, source: "training state", allowingChangedSettings: allowingChangedSettings)
    }

    /// Continues from the checkpoint file at `path`; see ``restore(from:allowingChangedSettings:)``.
    public mutating func restoreCheckpoint(from path: String, allowingChangedSettings: Bool = false) throws {
        try restore(from: TrainingState(contentsOf: path), source: path, allowingChangedSettings: allowingChangedSettings)
    }

    /// ``restore(from:allowingChangedSettings:)``, naming `source` in errors.
    private mutating func restore(from state: TrainingState<Scalar>, source: String, allowingChangedSettings: Bool) throws {
        let current = model.parameters
        let values = try current.map { try state.parameter($0.name, shape: $0.value.shape) }
        if let extra = state.parameters.first(where: { saved in !current.contains { $0.name == saved.name } }) {
            throw CheckpointError(.badEntry, file: source, "parameter \"\(extra.name)\" does not belong to this model")
        }
        let currentState = model.state
        let stateValues = try currentState.map { try state.modelState($0.name, shape: $0.value.shape) }
        if let extra = state.modelState.first(where: { saved in !currentState.contains { $0.name == saved.name } }) {
            throw CheckpointError(.badEntry, file: source, "model state \"\(extra.name)\" does not belong to this model")
        }
        guard let restoredGenerator = state.generators[Self.generatorName] else {
            throw CheckpointError(.missing, file: source, "no generator \"\(Self.generatorName)\" (have \(state.generators.keys.sorted()))")
        }
        let restoredHistory: History
        do {
            restoredHistory = try state.metadata[Self.historyKey].map { try History(csv: $0) } ?? History()
        } catch let error as HistoryCSVError {
            throw CheckpointError(.badEntry, file: source, "metadata \"\(Self.historyKey)\": \(error)")
        }
        let restoredFirstLoss = try Self.decodedNumber(state.metadata, Self.firstLossKey, source: source, kind: "finite") { $0.isFinite }
        let restoredFactor = try Self.decodedNumber(state.metadata, Self.learningRateFactorKey, source: source,
                                                    kind: "positive finite") { $0 > 0 && $0.isFinite } ?? 1
        let restoredSettings = try Self.decodedSettings(state.metadata, source: source)
        var restoredOptimizer = optimizer
        try restoredOptimizer.restoreState(Dictionary(uniqueKeysWithValues: state.optimizerState.map { ($0.name, $0.value) }),
                                           for: values, info: model.parameterInfo(groups: parameterGroups))
        model.replaceParameters(with: values)
        model.replaceState(with: stateValues)
        optimizer = restoredOptimizer
        generator = restoredGenerator
        epochsCompleted = state.epoch
        stepsCompleted = state.step
        history = restoredHistory
        firstLoss = restoredFirstLoss
        learningRateFactor = restoredFactor
        fitSettings = restoredSettings ?? [:]  // until the next fit, the run is the one that wrote the state
        let hasTrained = state.epoch > 0 || state.step > 0
        resumeCheck = hasTrained && !allowingChangedSettings ? ResumeCheck(settings: restoredSettings, source: source) : nil
    }

    /// The number `metadata` keeps under `key` (nil when there is none); ``CheckpointError``
    /// `badEntry` when it is not a `kind` number (`isValid`).
    private static func decodedNumber(_ metadata: [String: String], _ key: String, source: String, kind: String,
                                      isValid: (Double) -> Bool) throws -> Double? {
        try metadata[key].map { text in
            guard let number = Double(text), isValid(number) else {
                throw CheckpointError(.badEntry, file: source, "metadata \"\(key)\" is \"\(text)\", not a \(kind) number")
            }
            return number
        }
    }
}
