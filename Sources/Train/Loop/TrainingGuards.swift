import Autograd
import Foundation

/// The checks the training loop makes whatever callbacks it is given, so that a run that breaks
/// stops before it spoils its parameters or a checkpoint:
///
/// - non-finite: a step whose loss or gradient holds a NaN or an infinity stops before its
///   update (the stop reason names the operation that produced the first non-finite value), and
///   a step whose update made a parameter non-finite (from finite gradients: an optimiser state
///   or a learning rate that overflows) stops right after it, before any checkpoint of it;
/// - divergence: a step whose loss is above `divergenceFactor` times the run's first loss (or
///   is NaN) stops before its update, and so does a validation loss above that limit after an
///   epoch, before the epoch's callbacks (checkpoints) run. (A run whose first loss is not
///   positive, possible only with a loss of one's own, has no such limit.)
///
/// Both are on unless switched off explicitly (``Trainer/guards``, `.disabled`).
public struct TrainingGuards: Hashable, Sendable {
    /// Whether a non-finite loss or gradient stops training.
    public var stopsOnNonFinite: Bool
    /// The multiple of the run's first loss that no later loss may exceed; nil for no limit.
    public var divergenceFactor: Double?

    /// Guards with the given settings; by default both are on, with a limit of 100 times the
    /// first loss (a classifier of 10 classes starts near ln 10 ≈ 2.3: the limit is then 230).
    public init(stopsOnNonFinite: Bool = true, divergenceFactor: Double? = 100, file: StaticString = #fileID, line: UInt = #line) {
        if let divergenceFactor, !(divergenceFactor > 1 && divergenceFactor.isFinite) {
            fatalError("TrainingGuards: divergenceFactor must be a finite number above 1, not \(divergenceFactor)", file: file, line: line)
        }
        self.stopsOnNonFinite = stopsOnNonFinite
        self.divergenceFactor = divergenceFactor
    }

    /// Both guards on: non-finite values and losses above 100 times the first.
    public static var standard: TrainingGuards { TrainingGuards() }

    /// No guard: training goes on through NaNs and divergence (a checkpoint of non-finite
    /// parameters is still refused).
    public static var disabled: TrainingGuards { TrainingGuards(stopsOnNonFinite: false, divergenceFactor: nil) }

    /// Why `step` must stop training, if it must; `firstLoss` is the run's first loss.
    func stopReason(for step: StepReport, firstLoss: Double?) -> StopReason? {
        if stopsOnNonFinite, let report = step.nonFinite { return .nonFinite(report) }
        return divergence(of: step.loss, at: step.position, firstLoss: firstLoss, isValidationLoss: false)
    }

    /// Why the parameters after `step`'s update must stop training: the update made one of them
    /// non-finite (`info` names them in order).
    func stopReason<Scalar: TensorScalar>(afterUpdateOf step: StepReport, parameters: [Tensor<Scalar>], info: [ParameterInfo]) -> StopReason? {
        guard stopsOnNonFinite, let broken = parameters.firstIndex(where: { !$0.isAllFinite }) else { return nil }
        return .nonFinite(NonFiniteReport(position: step.position, loss: step.loss, operation: nil, parameter: nil,
                                          updatedParameter: info[broken].name))
    }

    /// Why the validation loss after an epoch must stop training, if it must.
    func stopReason(validationLoss: Double, after position: TrainingPosition, firstLoss: Double?) -> StopReason? {
        divergence(of: validationLoss, at: position, firstLoss: firstLoss, isValidationLoss: true)
    }

    private func divergence(of loss: Double, at position: TrainingPosition, firstLoss: Double?, isValidationLoss: Bool) -> StopReason? {
        guard let divergenceFactor, let firstLoss, firstLoss > 0, !(loss <= divergenceFactor * firstLoss) else {
            return nil
        }
        return .diverged(DivergenceReport(position: position, loss: loss, firstLoss: firstLoss, factor: divergenceFactor,
                                          isValidationLoss: isValidationLoss))
    }
}

/// A loss far above the run's first loss: where it was measured, its value and the limit.
public struct DivergenceReport: Hashable, Sendable, CustomStringConvertible {
    /// The step whose loss passed the limit, or the last step of the epoch after which the
    /// validation loss did.
    public var position: TrainingPosition
    /// The loss that passed the limit.
    public var loss: Double
    /// The run's first loss, the reference.
    public var firstLoss: Double
    /// The multiple of the first loss that was allowed.
    public var factor: Double
    /// Whether `loss` is the validation loss after the epoch rather than a step's training loss.
    public var isValidationLoss: Bool

    /// The largest loss allowed, `factor` × `firstLoss`.
    public var limit: Double { factor * firstLoss }

    public var description: String {
        let place = isValidationLoss
            ? "after epoch \(position.epoch + 1): validation loss"
            : "at epoch \(position.epoch + 1), step \(position.step + 1)/\(position.stepsPerEpoch) (global step \(position.globalStep + 1)): loss"
        return "diverged \(place) \(formatLoss(loss)) is above \(String(format: "%g", factor)) × the run's first loss "
            + "\(formatLoss(firstLoss)) = \(formatLoss(limit))"
    }
}
