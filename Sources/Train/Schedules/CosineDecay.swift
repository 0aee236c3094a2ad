import Foundation

/// Cosine annealing (Loshchilov & Hutter), step by step over `epochs` epochs:
///
///     η(s) = η_min + ½ (η₀ − η_min)(1 + cos(π s / S))
///
/// where s is the position in epochs (fractional, so the rate changes every step) and S =
/// `epochs`. It starts at η₀, reaches η_min at s = S and stays there.
public struct CosineDecayLearningRate: LearningRateSchedule {
    /// The initial rate η₀.
    public var initial: Double
    /// The final rate η_min.
    public var minimum: Double
    /// The length S of the decay in epochs.
    public var epochs: Int

    /// A cosine decay from `initial` to `minimum` over `epochs` epochs (rates as literals,
    /// `Double`s or the model's `Float`s).
    public init(initial: some BinaryFloatingPoint, minimum: some BinaryFloatingPoint = 0 as Double, epochs: Int) {
        guard epochs > 0 else { fatalError("CosineDecayLearningRate: epochs must be positive, not \(epochs)") }
        self.initial = Double(initial)
        self.minimum = Double(minimum)
        self.epochs = epochs
    }

    public func learningRate(at position: TrainingPosition) -> Double {
        let fraction = min(max(position.fractionalEpoch / Double(epochs), 0), 1)
        return minimum + 0.5 * (initial - minimum) * (1 + cos(Double.pi * fraction))
    }
}

extension LearningRateSchedule where Self == CosineDecayLearningRate {
    /// Cosine annealing from `initial` to `minimum` over `epochs` epochs.
    public static func cosine(initial: Double, minimum: Double = 0, epochs: Int) -> CosineDecayLearningRate {
        CosineDecayLearningRate(initial: initial, minimum: minimum, epochs: epochs)
    }
}

/// A linear warm-up in front of another schedule: over the first `steps` steps the rate rises
/// linearly, η = η_base · (k + 1) / `steps` at global step k (counted from 0), so that the last
/// warm-up step (k = steps − 1) already uses the full rate; afterwards η = η_base.
public struct LinearWarmup: LearningRateSchedule {
    /// The number of warm-up steps.
    public var steps: Int
    /// The schedule that is warmed up.
    public var base: any LearningRateSchedule

    /// Warms up `base` over `steps` steps.
    public init(steps: Int, then base: any LearningRateSchedule) {
        guard steps > 0 else { fatalError("LinearWarmup: steps must be positive, not \(steps)") }
        self.steps = steps
        self.base = base
    }

    public func learningRate(at position: TrainingPosition) -> Double {
        let factor = min(1, Double(position.globalStep + 1) / Double(steps))
        return base.learningRate(at: position) * factor
    }
}

extension LearningRateSchedule where Self == LinearWarmup {
    /// A linear warm-up over `steps` steps in front of `base`.
    public static func warmup(steps: Int, then base: any LearningRateSchedule) -> LinearWarmup {
        LinearWarmup(steps: steps, then: base)
    }
}
