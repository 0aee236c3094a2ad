/// Code the training loop calls after every step and every epoch; either may stop training.
///
/// The loop works on its own copies of the callbacks, so state a callback keeps (such as the
/// best loss of early stopping) lasts for one call of `fit`.
public protocol TrainingCallback {
    /// Called after the gradient of a step is known and before the parameters are updated;
    /// returning `.stop` ends training without applying this step's update.
    mutating func stepEnded(_ step: StepReport) -> TrainingDecision
    /// Called after each epoch, validation included; returning `.stop` ends training.
    mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision
}

extension TrainingCallback {
    /// Continues.
    public mutating func stepEnded(_ step: StepReport) -> TrainingDecision { .proceed }
    /// Continues.
    public mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision { .proceed }
}

/// Whether training goes on.
public enum TrainingDecision: Hashable, Sendable {
    /// Go on.
    case proceed
    /// Stop, for this reason.
    case stop(StopReason)
}

/// One training step, as callbacks see it.
public struct StepReport: Sendable {
    /// The step that was taken.
    public var position: TrainingPosition
    /// The step's loss.
    public var loss: Double
    /// The number of examples in the batch.
    public var batchSize: Int
    /// Where a NaN or infinity appeared, if the loss or a gradient is not finite.
    public var nonFinite: NonFiniteReport?
}

/// The end of an epoch, as callbacks see it.
public struct EpochReport {
    /// The epoch's record (it is also the last entry of `history`).
    public var record: EpochRecord
    /// Everything so far.
    public var history: History
    let checkpoint: (String) throws -> Void
    /// The model's parameters after this epoch's last update.
    public var parameters = ParameterSnapshot(values: ())
    /// What the callbacks ask of the loop.
    let requests = EpochRequests()

    /// Saves the whole training state (parameters, optimiser state, epoch, step and random
    /// generator) to the file at `path`, atomically; a run restored from it continues exactly.
    public func saveCheckpoint(to path: String) throws { try checkpoint(path) }

    /// Asks the training loop to put the parameters of `snapshot` (taken from an earlier
    /// report of the same `fit`) back into the model after this epoch's callbacks have run; the
    /// optimiser's state, the generator and the history stay as they are. The last request wins.
    public func restoreParameters(_ snapshot: ParameterSnapshot) { requests.restoredParameters = snapshot }

    /// Asks the training loop to multiply the learning rate by `factor` (positive and finite)
    /// from the next step on: ``Trainer/learningRateFactor`` scales the schedule's rate, or the
    /// optimiser's own when there is no schedule. Requests of several callbacks multiply.
    public func scaleLearningRate(by factor: Double) {
        guard factor > 0, factor.isFinite else { fatalError("EpochReport.scaleLearningRate: factor \(factor) is not positive and finite") }
        requests.learningRateScale *= factor
    }
}

/// Stops when the validation loss has not improved by more than `minimumDelta` for `patience`
/// epochs in a row ("terminate the training at a stage where no improvement is seen on the
/// validation data", seed 004 §7.2). Epochs without validation data are ignored. With
/// `restoresBestParameters` (Keras's `restore_best_weights`), stopping puts the parameters of the
/// best epoch back into the model.
public struct EarlyStopping: TrainingCallback {
    /// The number of epochs without improvement that ends training.
    public var patience: Int
    /// The amount by which the loss must fall below the best so far to count as an improvement.
    public var minimumDelta: Double
    /// Whether stopping restores the parameters of the epoch with the best validation loss.
    public var restoresBestParameters: Bool
    private var best: (epoch: Int, loss: Double, parameters: ParameterSnapshot?)?
    private var epochsWithoutImprovement = 0

    /// Early stopping after `patience` epochs without an improvement larger than `minimumDelta`;
    /// with `restoresBestParameters`, going back to the best epoch's parameters when it stops.
    public init(patience: Int, minimumDelta: some BinaryFloatingPoint = 0 as Double, restoresBestParameters: Bool = false) {
        guard patience >= 1 else { fatalError("EarlyStopping: patience must be at least 1, not \(patience)") }
        self.patience = patience
        self.minimumDelta = Double(minimumDelta)
        self.restoresBestParameters = restoresBestParameters
    }

    public mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision {
        guard let loss = epoch.record.validationLoss else { return .proceed }
        if let best, !(loss < best.loss - minimumDelta) {
            epochsWithoutImprovement += 1
            if epochsWithoutImprovement >= patience {
                if let parameters = best.parameters { epoch.restoreParameters(parameters) }
                return .stop(.noImprovement(bestEpoch: best.epoch, bestLoss: best.loss, patience: patience))
            }
        } else {
            best = (epoch.record.epoch, loss, restoresBestParameters ? epoch.parameters : nil)
            epochsWithoutImprovement = 0
        }
        return .proceed
    }
}

/// Lowers the learning rate when the validation loss stops improving (Keras's
/// `ReduceLROnPlateau`, PyTorch's `ReduceLROnPlateau` in its "min" mode): after `patience` epochs
/// in a row without a loss below the best so far minus `minimumDelta`, the rate is multiplied by
/// `factor` (through ``EpochReport/scaleLearningRate(by:)``, so it scales a schedule's rate as
/// well), but not below `minimumRate` (judged at the epoch's last rate); then `cooldown` epochs
/// pass before counting again (the order of Keras's rules). Epochs without validation data are ignored.
public struct ReduceLearningRateOnPlateau: TrainingCallback {
    /// The factor by which the rate is multiplied, in (0, 1).
    public var factor: Double
    /// The number of epochs without improvement before the rate is lowered.
    public var patience: Int
    /// The amount by which the loss must fall below the best so far to count as an improvement.
    public var minimumDelta: Double
    /// The number of epochs after a reduction during which epochs are not counted.
    public var cooldown: Int
    /// The rate below which it is not lowered.
    public var minimumRate: Double
    private var bestLoss = Double.infinity
    private var epochsWithoutImprovement = 0
    private var cooldownLeft = 0

    /// Multiplies the rate by `factor` after `patience` epochs without improvement.
    public init(factor: some BinaryFloatingPoint = 0.1 as Double, patience: Int = 10,
                minimumDelta: some BinaryFloatingPoint = 0 as Double, cooldown: Int = 0,
                minimumRate: some BinaryFloatingPoint = 0 as Double) {
        guard factor > 0, factor < 1, patience >= 1, cooldown >= 0, minimumRate >= 0 else {
            fatalError("ReduceLearningRateOnPlateau: factor \(factor) must be in (0, 1), patience \(patience) at least 1, cooldown \(cooldown) and minimum rate \(minimumRate) at least 0")
        }
        self.factor = Double(factor)
        self.patience = patience
        self.minimumDelta = Double(minimumDelta)
        self.cooldown = cooldown
        self.minimumRate = Double(minimumRate)
    }

    public mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision {
        guard let loss = epoch.record.validationLoss else { return .proceed }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            epochsWithoutImprovement = 0
        }
        if loss < bestLoss - minimumDelta {
            bestLoss = loss
            epochsWithoutImprovement = 0
        } else if cooldownLeft == 0 {
            epochsWithoutImprovement += 1
            if epochsWithoutImprovement >= patience {
                let rate = epoch.record.learningRate
                let scale = rate > 0 ? max(factor, minimumRate / rate) : 1
                if scale < 1 { epoch.scaleLearningRate(by: scale) }
                epochsWithoutImprovement = 0
                cooldownLeft = cooldown
            }
        }
        return .proceed
    }
}

/// Saves a checkpoint after every `every`-th epoch to a path made from the epoch number:
/// `path(epochsCompleted)`, for instance `{ "run/epoch-\($0).safetensors" }`, or one fixed
/// path to keep only the latest.
public struct CheckpointEveryEpoch: TrainingCallback {
    /// How many epochs between two checkpoints.
    public var every: Int
    private let path: (Int) -> String

    /// Checkpoints after every `every` epochs to `path(number of epochs completed)`.
    public init(every: Int = 1, path: @escaping (Int) -> String) {
        guard every >= 1 else { fatalError("CheckpointEveryEpoch: every must be at least 1, not \(every)") }
        self.every = every
        self.path = path
    }

    /// Checkpoints after every epoch to the fixed `path`, overwriting it.
    public init(path: String) { self.init(path: { _ in path }) }

    public mutating func epochEnded(_ epoch: EpochReport) throws -> TrainingDecision {
        let completed = epoch.record.epoch + 1
        if completed % every == 0 { try epoch.saveCheckpoint(to: path(completed)) }
        return .proceed
    }
}
