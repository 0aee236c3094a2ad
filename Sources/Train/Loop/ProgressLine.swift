import Foundation

/// The numbers of one progress line: where training is and how it goes.
///
///     Epoch 3/45  step 120/500  loss 0.4213  accuracy 85.2%  1234 img/s  ETA 0:42
///
/// loss and accuracy are the running averages over the epoch so far; img/s counts examples
/// per second of training steps (``rateUnit`` names them); ETA is the estimated time to the end
/// of the epoch.
public struct ProgressLine: Hashable, Sendable, CustomStringConvertible {
    /// The epoch, counted from 1, and the number of epochs of the run.
    public var epoch: Int, epochs: Int
    /// The step within the epoch, counted from 1, and the steps per epoch.
    public var step: Int, steps: Int
    /// The running training loss and accuracy of the epoch.
    public var loss: Double, accuracy: Double
    /// Examples processed per second.
    public var examplesPerSecond: Double
    /// Seconds left in the epoch.
    public var secondsRemaining: Double
    /// The unit shown after the rate: "img/s" unless the examples are something else
    /// (a language model's positions: "char/s").
    public var rateUnit: String

    /// A progress line.
    public init(epoch: Int, epochs: Int, step: Int, steps: Int, loss: Double, accuracy: Double,
                examplesPerSecond: Double, secondsRemaining: Double, rateUnit: String = "img/s") {
        (self.epoch, self.epochs, self.step, self.steps) = (epoch, epochs, step, steps)
        (self.loss, self.accuracy) = (loss, accuracy)
        (self.examplesPerSecond, self.secondsRemaining, self.rateUnit) = (examplesPerSecond, secondsRemaining, rateUnit)
    }

    public var description: String {
        let width = String(steps).count
        let stepText = String(repeating: " ", count: max(0, width - String(step).count)) + String(step)
        return "Epoch \(epoch)/\(epochs)  step \(stepText)/\(steps)  loss \(formatLoss(loss))  "
            + "accuracy \(ConfusionMatrix.percent(accuracy))  \(formatRate(examplesPerSecond)) \(rateUnit)  ETA \(formatDuration(secondsRemaining))"
    }
}

/// A loss with four significant digits ("0.4213", "1.235e-05"; "NaN", "∞", "−∞").
func formatLoss(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : value > 0 ? "∞" : "−∞" }
    return value != 0 && (abs(value) < 1e-3 || abs(value) >= 1e5) ? String(format: "%.3e", value) : String(format: "%.4f", value)
}

/// A rate without decimals above 100, with one below.
func formatRate(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    return value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
}

/// Seconds as m:ss or h:mm:ss.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    let total = Int(seconds.rounded())
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
}
