import Foundation

/// What a learning-rate range test measured (``Trainer/learningRateRangeTest(training:batchSize:from:to:steps:divergenceFactor:file:line:)``):
/// the rate and loss of every step it took, the smoothed losses, and a suggested rate.
public struct LearningRateRangeTest: Sendable {
    /// The rate of each step, rising exponentially.
    public let rates: [Double]
    /// The loss of each step's batch (before that step's update).
    public let losses: [Double]
    /// The losses smoothed by an exponential moving average with bias correction:
    /// a ← β a + (1 − β) loss, smoothed = a / (1 − βᵏ⁺¹), β = 0.98 (fastai's `lr_find`).
    public let smoothedLosses: [Double]
    /// Whether the test stopped before its last step because the smoothed loss rose above
    /// `divergenceFactor` × its minimum (or a loss was not finite).
    public let diverged: Bool

    /// The smoothing weight β.
    public static let smoothing = 0.98

    /// The rate of the lowest smoothed loss, nil when there is no step.
    public var rateOfMinimumLoss: Double? {
        smoothedLosses.indices.min { smoothedLosses[$0] < smoothedLosses[$1] }.map { rates[$0] }
    }

    /// A tenth of ``rateOfMinimumLoss`` (fastai's `lr_min`): at the lowest loss the rate is
    /// already near where training becomes unstable. (The steepest fall of the loss, the other
    /// usual choice, is easily misled by the noise of the first, hardly trained steps.)
    public var suggestedRate: Double? { rateOfMinimumLoss.map { $0 / 10 } }

    /// The loss (raw and smoothed) against the rate, on logarithmic axes.
    public func chart(title: String = "Learning-rate range test") -> LineChart {
        var chart = LineChart(title: title, xLabel: "learning rate", yLabel: "loss", xScale: .logarithmic, yScale: .logarithmic)
        chart.add("loss", points: zip(rates, losses).map { (x: $0, y: $1) }, dashed: true)
        chart.add("smoothed", points: zip(rates, smoothedLosses).map { (x: $0, y: $1) })
        return chart
    }

    /// `losses` smoothed as ``smoothedLosses`` describes.
    static func smoothed(_ losses: [Double]) -> [Double] {
        var average = 0.0, correction = 1.0
        return losses.map { loss in
            average = smoothing * average + (1 - smoothing) * loss
            correction *= smoothing
            return average / (1 - correction)
        }
    }
}

/// η = `start` · (`end` / `start`)^(k / (`steps` − 1)) at global step k: from `start` at the
/// first step to `end` at the last, evenly spaced on a log scale.
struct ExponentialRangeLearningRate: LearningRateSchedule {
    var start: Double
    var end: Double
    var steps: Int

    func learningRate(at position: TrainingPosition) -> Double {
        start * pow(end / start, Double(position.globalStep) / Double(max(steps - 1, 1)))
    }
}

/// Stops a range test after `steps` steps, or when the smoothed loss rises above `factor` × its
/// minimum, or a loss is not finite.
private struct RangeTestStop: TrainingCallback {
    var steps: Int
    var factor: Double
    var losses: [Double] = []

    mutating func stepEnded(_ step: StepReport) -> TrainingDecision {
        guard step.position.globalStep < steps else { return .stop(.requested("range test: last step taken")) }
        losses.append(step.loss)
        let smoothed = LearningRateRangeTest.smoothed(losses)
        guard step.loss.isFinite, smoothed.last! <= factor * smoothed.min()! else {
            return .stop(.requested("range test: the loss diverged"))
        }
        return .proceed
    }
}

extension Trainer {
    /// The learning-rate range test (Smith, "Cyclical learning rates", 2017; fastai's
    /// `lr_find`): trains a copy of this trainer — this one is left as it is — for up to `steps`
    /// steps on `training` in shuffled batches of `batchSize`, the rate rising exponentially from
    /// `start` to `end`, and records every step's rate and loss. It stops early when the smoothed
    /// loss rises above `divergenceFactor` × its lowest value (the step that shows it is not
    /// applied, nor recorded). Losses fall while the rate is too small to matter, fall fastest
    /// around a good rate, and blow up beyond it: ``LearningRateRangeTest/suggestedRate`` is a
    /// tenth of the rate of the lowest smoothed loss. The trainer's schedule and learning-rate
    /// factor play no part, and it runs in this process alone (without ``dataParallel``); its
    /// optimiser (with its state), model, generator, penalty, clipping and guards do take part.
    public func learningRateRangeTest<Data: BatchSource>(
        training: Data, batchSize: Int = 32, from start: Double = 1e-7, to end: Double = 10, steps: Int = 100,
        divergenceFactor: Double = 4, file: StaticString = #fileID, line: UInt = #line
    ) throws -> LearningRateRangeTest where Data.Scalar == Scalar {
        guard start > 0, end > start, end.isFinite, steps >= 1, divergenceFactor > 1 else {
            fatalError("learningRateRangeTest: needs 0 < start < end (finite), steps ≥ 1 and divergenceFactor > 1, not \(start), \(end), \(steps), \(divergenceFactor)",
                       file: file, line: line)
        }
        var probe = self
        probe.epochsCompleted = 0
        probe.stepsCompleted = 0
        probe.history = History()
        probe.learningRateFactor = 1
        probe.resumeCheck = nil
        probe.dataParallel = nil
        probe.progress = ProgressReporter(style: .silent)
        let schedule = ExponentialRangeLearningRate(start: start, end: end, steps: steps)
        probe.schedule = schedule
        let stepsPerEpoch = (training.count + batchSize - 1) / max(batchSize, 1)
        let epochs = (steps + max(stepsPerEpoch, 1) - 1) / max(stepsPerEpoch, 1)
        let history = try probe.fit(training: training, epochs: epochs, batchSize: batchSize,
                                    callbacks: [RangeTestStop(steps: steps, factor: divergenceFactor)], file: file, line: line)
        let losses = history.stepLosses
        let rates = losses.indices.map { schedule.learningRate(at: TrainingPosition(epoch: 0, step: $0, stepsPerEpoch: 1)) }
        let stoppedEarly = losses.count < steps && history.stopReason != .requested("range test: last step taken")
        return LearningRateRangeTest(rates: rates, losses: losses, smoothedLosses: LearningRateRangeTest.smoothed(losses),
                                     diverged: stoppedEarly)
    }
}
