import Autograd

/// Why a training run ended before the requested number of epochs.
public enum StopReason: Hashable, Sendable, CustomStringConvertible {
    /// Early stopping: the validation loss did not improve for `patience` epochs.
    case noImprovement(bestEpoch: Int, bestLoss: Double, patience: Int)
    /// A loss or a gradient became NaN or infinite (``TrainingGuards``).
    case nonFinite(NonFiniteReport)
    /// A loss rose far above the run's first loss (``TrainingGuards``).
    case diverged(DivergenceReport)
    /// A callback of the user's asked to stop.
    case requested(String)

    public var description: String {
        switch self {
        case let .noImprovement(bestEpoch, bestLoss, patience):
            "early stopping: the validation loss has not improved for \(patience) epochs (best \(formatLoss(bestLoss)) after epoch \(bestEpoch + 1))"
        case .nonFinite(let report): report.description
        case .diverged(let report): report.description
        case .requested(let reason): reason
        }
    }
}

/// Where a NaN or infinity first appeared in a training step.
public struct NonFiniteReport: Hashable, Sendable, CustomStringConvertible {
    /// The step at which it appeared.
    public var position: TrainingPosition
    /// The loss of that step (NaN or ±∞ when the forward pass broke).
    public var loss: Double
    /// The first primitive on the step's tape whose value is not finite, and its position on
    /// the tape; nil when every forward value was finite (then only a gradient broke).
    public var operation: (primitive: Primitive, tapePosition: Int)?
    /// The first parameter, in visit order, whose gradient is not finite; nil if all are.
    public var parameter: String?
    /// The first parameter, in visit order, that the step's update made non-finite although its
    /// loss and gradient were finite (an optimiser state or a learning rate that overflows); nil
    /// when the step stopped before its update.
    public var updatedParameter: String?
    /// In data-parallel training (``Trainer/dataParallel``), the rank of the process whose loss
    /// or gradient broke (the lowest, if several did); nil in a run of one process. On the other
    /// processes only the position and loss are known.
    public var rank: Int?

    public static func == (lhs: NonFiniteReport, rhs: NonFiniteReport) -> Bool {
        lhs.position == rhs.position && lhs.loss.bitPattern == rhs.loss.bitPattern
            && lhs.operation?.primitive == rhs.operation?.primitive
            && lhs.operation?.tapePosition == rhs.operation?.tapePosition && lhs.parameter == rhs.parameter
            && lhs.updatedParameter == rhs.updatedParameter && lhs.rank == rhs.rank
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(position)
        hasher.combine(operation?.tapePosition)
        hasher.combine(parameter)
        hasher.combine(updatedParameter)
        hasher.combine(rank)
    }

    public var description: String {
        var text = "non-finite value at epoch \(position.epoch + 1), step \(position.step + 1)/\(position.stepsPerEpoch)"
            + " (global step \(position.globalStep + 1))" + (rank.map { " on process rank \($0)" } ?? "") + ": loss \(formatLoss(loss))"
        if let operation {
            text += "; first non-finite value computed by `\(operation.primitive.rawValue)` (operation \(operation.tapePosition) on the tape)"
        }
        if let parameter { text += "; first non-finite gradient: \(parameter)" }
        if let updatedParameter { text += "; its update made parameter \(updatedParameter) non-finite" }
        return text
    }
}
