/// A learning rate that is constant within stages of whole epochs: Higham & Higham (seed 004
/// §7.4) train their CIFAR-10 network with η = 0.05 for 30 epochs, 0.005 for 10 and 0.0005 for 5
/// (``highamCIFAR10``). After the last stage, its rate continues.
public struct PiecewiseConstantLearningRate: LearningRateSchedule {
    /// The stages in order: how many epochs each lasts and its rate.
    public var stages: [(epochs: Int, rate: Double)]

    /// A schedule from stages; there must be at least one, each at least one epoch long.
    public init(_ stages: [(epochs: Int, rate: Double)]) {
        guard !stages.isEmpty, stages.allSatisfy({ $0.epochs > 0 }) else {
            fatalError("PiecewiseConstantLearningRate: needs stages of at least one epoch each, got \(stages)")
        }
        self.stages = stages
    }

    /// Higham & Higham's CIFAR-10 schedule (seed 004 §7.4): 0.05 for epochs 0–29, 0.005 for
    /// 30–39, 0.0005 for 40–44.
    public static let highamCIFAR10 = PiecewiseConstantLearningRate([(30, 0.05), (10, 0.005), (5, 0.0005)])

    /// The total number of epochs the stages cover.
    public var epochs: Int { stages.reduce(0) { $0 + $1.epochs } }

    public func learningRate(at position: TrainingPosition) -> Double {
        var end = 0
        for stage in stages {
            end += stage.epochs
            if position.epoch < end { return stage.rate }
        }
        return stages[stages.count - 1].rate
    }
}

extension LearningRateSchedule where Self == PiecewiseConstantLearningRate {
    /// A learning rate constant within stages of whole epochs.
    public static func piecewiseConstant(_ stages: [(epochs: Int, rate: Double)]) -> PiecewiseConstantLearningRate {
        PiecewiseConstantLearningRate(stages)
    }
}

/// Step decay: η = η₀ · factorᵏ with k = ⌊epoch / every⌋, that is, the rate is multiplied by
/// `factor` every `every` epochs.
public struct StepDecayLearningRate: LearningRateSchedule {
    /// The initial rate η₀.
    public var initial: Double
    /// The factor applied at each decay (0.1 in seed 004's schedule).
    public var factor: Double
    /// The number of epochs between decays.
    public var every: Int

    /// A step decay; `every` must be positive (rates as literals, `Double`s or the model's `Float`s).
    public init(initial: some BinaryFloatingPoint, factor: some BinaryFloatingPoint, every: Int) {
        guard every > 0 else { fatalError("StepDecayLearningRate: every must be positive, not \(every)") }
        self.initial = Double(initial)
        self.factor = Double(factor)
        self.every = every
    }

    public func learningRate(at position: TrainingPosition) -> Double {
        var rate = initial
        for _ in 0..<(max(position.epoch, 0) / every) { rate *= factor }
        return rate
    }
}

extension LearningRateSchedule where Self == StepDecayLearningRate {
    /// η₀ multiplied by `factor` every `every` epochs.
    public static func stepDecay(initial: Double, factor: Double, every: Int) -> StepDecayLearningRate {
        StepDecayLearningRate(initial: initial, factor: factor, every: every)
    }
}
