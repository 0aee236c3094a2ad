/// Where a training run is: the epoch (counted from 0) and the step within it.
public struct TrainingPosition: Hashable, Sendable {
    /// The epoch, counted from 0 (the progress line shows it counted from 1).
    public var epoch: Int
    /// The step within the epoch, counted from 0.
    public var step: Int
    /// The number of steps (mini-batches) in an epoch.
    public var stepsPerEpoch: Int

    /// A position; `stepsPerEpoch` must be positive.
    public init(epoch: Int, step: Int = 0, stepsPerEpoch: Int = 1) {
        guard stepsPerEpoch > 0 else {
            fatalError("TrainingPosition: stepsPerEpoch must be positive, not \(stepsPerEpoch)")
        }
        self.epoch = epoch
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The number of steps taken before this one since the start of training.
    public var globalStep: Int { epoch * stepsPerEpoch + step }

    /// The position in epochs as a real number: epoch + step / stepsPerEpoch.
    public var fractionalEpoch: Double { Double(epoch) + Double(step) / Double(stepsPerEpoch) }
}

/// The learning rate η as a function of the position in training. The training loop asks for
/// it before every step and gives it to the optimiser.
///
/// Seed 004 (8.1) recalls the classical conditions Σ ηₖ = ∞ and Σ ηₖ² < ∞ for convergence;
/// in practice (seed 004 §7.4) η is held constant for a number of epochs and then reduced.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for the step at `position`.
    func learningRate(at position: TrainingPosition) -> Double
}

/// The same learning rate throughout.
public struct ConstantLearningRate: LearningRateSchedule {
    /// The learning rate.
    public var rate: Double

    /// A constant learning rate (a literal, a `Double` or the model's `Float`).
    public init(_ rate: some BinaryFloatingPoint) { self.rate = Double(rate) }

    public func learningRate(at position: TrainingPosition) -> Double { rate }
}

extension LearningRateSchedule where Self == ConstantLearningRate {
    /// The same learning rate throughout.
    public static func constant(_ rate: Double) -> ConstantLearningRate { ConstantLearningRate(rate) }
}
