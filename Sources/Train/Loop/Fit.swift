import Autograd
import Layers

/// Trains `model` with `optimizer` for `epochs` epochs: the one-call form of ``Trainer``.
///
/// ```swift
/// var model = Sequential<Float>.multilayerPerceptron(widths: [784, 100, 10], using: &generator)
/// var optimizer = Momentum<Float>(learningRate: 0.05)
/// let history = try fit(&model, optimizer: &optimizer, loss: .softmaxCrossEntropy,
///                       training: train, validation: test, epochs: 45, batchSize: 100,
///                       schedule: PiecewiseConstantLearningRate.highamCIFAR10, seed: 1)
/// ```
/// `model` and `optimizer` are updated in place (the optimiser keeps its state for a later
/// call); `guards` are the trainer's ``Trainer/guards``; everything else is as in
/// ``Trainer/fit(training:validation:epochs:batchSize:withReplacement:callbacks:file:line:)``.
/// Use a ``Trainer`` to continue a run across calls or to write and restore checkpoints.
@discardableResult
public func fit<Model: Module, Opt: Optimizer, Data: BatchSource>(
    _ model: inout Model, optimizer: inout Opt, loss: Loss<Model.Scalar>,
    training: Data, validation: Data? = nil, epochs: Int, batchSize: Int = 32, withReplacement: Bool = false,
    schedule: (any LearningRateSchedule)? = nil, callbacks: [any TrainingCallback] = [],
    guards: TrainingGuards = .standard, seed: UInt64 = 0, progress: ProgressReporter = .standardOutput,
    file: StaticString = #fileID, line: UInt = #line
) throws -> History where Opt.Scalar == Model.Scalar, Data.Scalar == Model.Scalar {
    var trainer = Trainer(model: model, optimizer: optimizer, loss: loss, seed: seed)
    trainer.schedule = schedule
    trainer.progress = progress
    trainer.guards = guards
    defer {
        model = trainer.model
        optimizer = trainer.optimizer
    }
    return try trainer.fit(training: training, validation: validation, epochs: epochs, batchSize: batchSize,
                           withReplacement: withReplacement, callbacks: callbacks, file: file, line: line)
}
