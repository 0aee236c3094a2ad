import Autograd
import Layers

/// A model, its optimiser and everything a training run keeps between steps, with a
/// Keras-style ``fit(training:validation:epochs:batchSize:withReplacement:callbacks:file:line:)``.
///
/// ```swift
/// var trainer = Trainer(model: model, optimizer: Momentum<Float>(learningRate: 0.05),
///                       loss: .softmaxCrossEntropy, seed: 42)
/// trainer.schedule = PiecewiseConstantLearningRate.highamCIFAR10
/// let history = try trainer.fit(training: train, validation: validation, epochs: 45, batchSize: 100,
///                               callbacks: [EarlyStopping(patience: 5)])
/// ```
///
/// Training is deterministic: all randomness (the order of the examples, dropout masks) is
/// drawn from one ``SeededGenerator``, so the same seed and thread count give bit-identical
/// parameters. `fit` continues where the last call stopped (the epoch count, the step count,
/// the generator and the optimiser state carry over), and a checkpoint holds exactly that state.
/// Whatever the callbacks, the ``guards`` stop a run whose loss or gradient is no longer finite
/// or whose loss diverges, before the broken step's update and before any checkpoint of it.
public struct Trainer<Model: Module, Opt: Optimizer> where Opt.Scalar == Model.Scalar {
    /// The element type of the model.
    public typealias Scalar = Model.Scalar

    /// The model being trained.
    public var model: Model
    /// The optimiser, with its state.
    public var optimizer: Opt
    /// The loss to minimise.
    public var loss: Loss<Scalar>
    /// The learning rate per step; nil keeps the optimiser's own learning rate.
    public var schedule: (any LearningRateSchedule)?
    /// λ of seed 004 (8.2)'s penalty (λ/N)Σ‖W‖²_F, N the number of training examples; 0 for none.
    /// It enters the gradient; the losses in the history are the data loss alone.
    public var l2Penalty = 0.0
    /// The largest global gradient norm; larger gradients are scaled down (nil: no clipping).
    public var gradientClipNorm: Double?
    /// k of the top-k error (seed 004 reports top-5).
    public var topK = 5
    /// Where progress lines go.
    public var progress = ProgressReporter.standardOutput
    /// Parameters that are frozen or train with their own learning rate or weight decay (see
    /// ``ParameterGroup``); the others train with the optimiser's settings. The trainer does not
    /// differentiate with respect to frozen parameters, and the optimiser leaves them untouched.
    public var parameterGroups: [ParameterGroup] = []
    /// The checks that stop a broken run whatever the callbacks: both on unless switched off here.
    public var guards = TrainingGuards.standard
    /// What the progress lines call the examples' rate: "img/s" unless the examples are
    /// something else (a language model, whose metrics count every position: "char/s").
    public var rateUnit = "img/s"
    /// Whether `fit` replays compiled training steps where they give the tape's results bit for
    /// bit (`.automatic`, the default) or runs every step on the tape (`.off`). Either way the
    /// results, the history and checkpoints are the same; a data-parallel run always uses the
    /// tape. See Docs/Training.md, "Compiled steps", for what is compiled and when it falls back.
    public var compilation = TrainingCompilation.automatic
    /// The processes this trainer trains with, one copy of the model each (data parallelism);
    /// nil trains in this process alone. With a group, every process calls `fit` with the same
    /// arguments: `fit` checks first that the processes agree (the model's parameter shapes,
    /// the batch size, the data's size, the step count) and gives every process rank 0's
    /// parameters; then each step trains every process on its own part of the batch
    /// (``DataParallelGroup/shard(of:)``) and applies the sum of their weighted gradients, the
    /// gradient of the whole batch. Losses, accuracies, the guards' decisions and the history
    /// are those of the whole batch on every process; only rank 0 shows progress and writes
    /// checkpoints through ``EpochReport/saveCheckpoint(to:)``. Callbacks must decide the same
    /// on every process (they see the same reports). Dropout masks are drawn per process and step
    /// from a generator of their own, so a run with dropout differs from a run in one process.
    public var dataParallel: (any DataParallelGroup)?
    /// Whether a step in this process alone cuts its batch into ``BatchShards`` (one shard per
    /// 16 examples, at most 4) that each go through the forward and backward passes on a thread
    /// of their own, their gradients summed once per step in shard order with the weight of each
    /// shard: the threads then share only the parameters and the gradient sum, not every
    /// operation's result (the CIFAR CNN's step 1.1× as fast on 2 threads, about 10 % slower on
    /// 1; see Performance.md). Off by default. Parameters are bit-identical on any number of threads, and differ from an
    /// unsharded run by rounding (another summation order); dropout masks are drawn per shard and
    /// step, as a ``dataParallel`` group draws them. Batches under 32 examples and models with
    /// running statistics (BatchNorm, whose training pass uses the batch's statistics) always
    /// train on the whole batch; so does a ``dataParallel`` process.
    public var batchSharding = false
    /// What decides the run's result besides what `fit` is given, by name: the dataset, the
    /// model's size, the optimiser's settings, … Checkpoints record them with the settings `fit`
    /// adds (``runSettings``), and the first `fit` after a restore refuses to go on when one
    /// differs from the checkpoint's (``restoreCheckpoint(from:allowingChangedSettings:)``).
    public var settings: [String: String] = [:]
    /// The number of epochs trained so far.
    public internal(set) var epochsCompleted = 0
    /// The number of steps (parameter updates) taken so far.
    public internal(set) var stepsCompleted = 0
    /// How many of the steps this trainer has run were compiled replays (see ``compilation``);
    /// the others ran on the tape. Not part of checkpoints.
    public internal(set) var compiledStepCount = 0
    /// The wall-clock seconds this trainer's training steps have taken (each from fetching its
    /// batch to its update; no validation, no callbacks). Not part of checkpoints.
    public internal(set) var trainingStepSeconds = 0.0
    /// The examples those steps trained on: with ``trainingStepSeconds``, the training throughput.
    public internal(set) var trainingStepExamples = 0
    /// The source of every random choice of training.
    public internal(set) var generator: SeededGenerator
    /// The record of all epochs trained by this trainer.
    public internal(set) var history = History()
    /// The factor by which the learning rate (the schedule's, or the optimiser's own) is
    /// multiplied: 1 until a callback such as ``ReduceLearningRateOnPlateau`` lowers it through
    /// ``EpochReport/scaleLearningRate(by:)``. Checkpoints keep it.
    public internal(set) var learningRateFactor = 1.0
    /// The loss of the run's first step (the first finite one): the divergence guard's reference.
    /// Checkpoints keep it, so a resumed run is held to the same limit.
    public internal(set) var firstLoss: Double?
    /// The settings the last `fit` added to ``settings``: batch size, sampling, schedule,
    /// penalty, clipping and the fingerprints of the training and validation data (after a
    /// restore and before the next `fit`, the restored state's settings).
    var fitSettings: [String: String] = [:]
    /// After a restore, the checkpoint's settings, which the next `fit` checks.
    var resumeCheck: ResumeCheck?

    /// A trainer whose random choices follow `seed`.
    public init(model: Model, optimizer: Opt, loss: Loss<Scalar>, seed: UInt64 = 0) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        generator = SeededGenerator(seed: seed)
    }

    /// Trains for `epochs` more epochs on `training`, in shuffled mini-batches of `batchSize`
    /// (each epoch a new permutation, seed 004 (4.8) without replacement; or, with
    /// `withReplacement`, every index drawn uniformly, (4.6)/(4.8) with replacement; batch size
    /// 1 gives the single-example schemes (4.6) and (4.7)). After each epoch the model is
    /// evaluated on `validation` (an empty one counts as none), the epoch is added to ``history``
    /// and the callbacks run.
    ///
    /// Before the first step the data are checked in one pass: training data without examples
    /// throw ``DataError`` `empty`, a NaN or an infinity in either set `nonFinite` (naming the
    /// example). After a restore, settings other than the checkpoint's throw ``CheckpointError``
    /// `settingsMismatch`, naming each; nothing has been trained then. A model that cannot take
    /// the data's examples stops with the layer, the shapes and the caller's `file` and `line`.
    /// The ``guards`` check every step before its update and the validation loss before the
    /// epoch's callbacks. Returns the history; its ``History/stopReason`` says why training ended
    /// early, if it did. Also throws what a callback throws (a checkpoint that cannot be written).
    @discardableResult
    public mutating func fit<Data: BatchSource>(
        training: Data, validation: Data? = nil, epochs: Int, batchSize: Int = 32, withReplacement: Bool = false,
        callbacks: [any TrainingCallback] = [], file: StaticString = #fileID, line: UInt = #line
    ) throws -> History where Data.Scalar == Scalar {
        guard epochs >= 0, epochs <= Int(Int32.max) - epochsCompleted else {
            fatalError("fit: epochs must be in 0...\(Int(Int32.max) - epochsCompleted) after \(epochsCompleted) completed, not \(epochs)",
                       file: file, line: line)
        }
        let validation = validation.flatMap { $0.count > 0 ? $0 : nil }
        try checkBeforeTraining(training: training, validation: validation, batchSize: batchSize, withReplacement: withReplacement,
                                file: file, line: line)
        if let dataParallel { try synchronize(dataParallel, trainingCount: training.count, batchSize: batchSize) }
        let sampler = Sampler(exampleCount: training.count, scheme: .miniBatch(size: batchSize, withReplacement: withReplacement))
        let info = model.parameterInfo(groups: parameterGroups, file: file, line: line)
        let shapes = model.parameters.map(\.value.shape)
        let isPrimary = dataParallel?.isPrimary ?? true
        let shownProgress = progress
        if !isPrimary { progress = ProgressReporter(style: .silent) }
        defer { progress = shownProgress }
        let lastEpoch = epochsCompleted + epochs
        var callbacks = callbacks
        let clock = ContinuousClock()
        let start = clock.now
        func now() -> Double { (clock.now - start) / .seconds(1) }
        history.topK = topK
        history.stopReason = nil
        // Without a schedule the optimiser's own rate is the base that the factor scales; it is
        // put back when fit returns, so that the optimiser (and the run's settings) keep it.
        let unscheduledRate = optimizer.learningRate
        defer { if schedule == nil { optimizer.learningRate = unscheduledRate } }
        var steps = CompiledTrainingSteps<Model>(dataParallel == nil ? compilation : .off)

        for _ in 0..<epochs {
            let epoch = epochsCompleted
            let epochStart = now()
            let plan = sampler.epoch(using: &generator)
            var batches = dataParallel == nil ? training.batches(of: plan, epoch: epoch) : nil
            var metrics = RunningMetrics(topK: topK)
            var trainingSeconds = 0.0
            progress.restart(at: epochStart)
            for step in plan.indices {
                let stepStart = now()
                let position = TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: plan.count)
                optimizer.learningRate = (schedule?.learningRate(at: position) ?? unscheduledRate) * learningRateFactor
                // The model's running statistics become its own (not shared with a copy taken
                // before), and are put back if the guards stop this step before its update.
                model.isolateState()
                let stateBefore = model.state.map(\.value)
                let computed = try dataParallel.map {
                    try dataParallelStep($0, training: training, batch: plan[step], shapes: shapes, info: info, position: position)
                } ?? singleProcessStep(batch: batches!.next()!, trainingCount: training.count, info: info, position: position, steps: &steps)
                var result = computed.0
                let report = StepReport(position: position, loss: result.loss, batchSize: plan[step].count, nonFinite: result.nonFinite)
                if firstLoss == nil, result.loss.isFinite { firstLoss = result.loss }
                if let reason = guards.stopReason(for: report, firstLoss: firstLoss) ?? Self.firstStop(&callbacks, { $0.stepEnded(report) }) {
                    model.replaceState(with: stateBefore)
                    return stop(reason)
                }
                if let gradientClipNorm { clipByGlobalNorm(&result.gradients, maxNorm: gradientClipNorm) }
                optimizer.update(&model, along: result.gradients, info: info)
                stepsCompleted += 1
                history.stepLosses.append(result.loss)
                if let reason = guards.stopReason(afterUpdateOf: report, parameters: model.parameters.map(\.value), info: info) {
                    return stop(reason)
                }
                metrics.add(computed.1)
                let stepSeconds = now() - stepStart
                trainingSeconds += stepSeconds
                trainingStepSeconds += stepSeconds
                trainingStepExamples += plan[step].count
                let rate = Double(metrics.examples) / trainingSeconds
                progress.show(ProgressLine(
                    epoch: epoch + 1, epochs: lastEpoch, step: step + 1, steps: plan.count,
                    loss: metrics.meanLoss, accuracy: metrics.accuracy, examplesPerSecond: rate,
                    secondsRemaining: trainingSeconds / Double(step + 1) * Double(plan.count - step - 1), rateUnit: rateUnit),
                    at: now(), force: step == plan.count - 1)
            }
            let validated = validation.map { model.evaluate(on: $0, loss: loss, batchSize: max(batchSize, 256), topK: topK) }
            let record = EpochRecord(
                epoch: epoch, learningRate: optimizer.learningRate, trainingLoss: metrics.meanLoss,
                trainingAccuracy: metrics.accuracy, trainingTopKError: metrics.topKError,
                validationLoss: validated?.loss, validationAccuracy: validated?.accuracy,
                validationTopKError: validated?.topKError, seconds: now() - epochStart)
            history.epochs.append(record)
            epochsCompleted += 1
            progress.finish(summary(record, epochs: lastEpoch, examplesPerSecond: Double(metrics.examples) / trainingSeconds))
            let lastStep = TrainingPosition(epoch: epoch, step: plan.count - 1, stepsPerEpoch: plan.count)
            if let loss = validated?.loss, let reason = guards.stopReason(validationLoss: loss, after: lastStep, firstLoss: firstLoss) {
                return stop(reason)
            }
            let snapshot = self
            let epochReport = EpochReport(record: record, history: history,
                                          checkpoint: { if isPrimary { try snapshot.saveCheckpoint(to: $0) } },
                                          parameters: ParameterSnapshot(values: model.parameters.map(\.value)))
            var stopReason: StopReason?
            for index in callbacks.indices {
                if case .stop(let reason) = try callbacks[index].epochEnded(epochReport), stopReason == nil { stopReason = reason }
            }
            if let restored = epochReport.requests.restoredParameters {
                guard let values = restored.values as? [Tensor<Scalar>], values.map({ $0.shape }) == shapes else {
                    fatalError("fit: a callback restored parameters that are not this model's", file: file, line: line)
                }
                model.replaceParameters(with: values)
            }
            learningRateFactor *= epochReport.requests.learningRateScale
            if let stopReason { return stop(stopReason) }
        }
        return history
    }

    /// One training step in this process alone: the gradient of the whole `batch` (of training
    /// data of `trainingCount` examples): in shards with ``batchSharding``, otherwise compiled or
    /// on the tape as `steps` decide; and its metrics.
    private mutating func singleProcessStep(
        batch: TrainingBatch<Scalar>, trainingCount: Int, info: [ParameterInfo], position: TrainingPosition,
        steps: inout CompiledTrainingSteps<Model>
    ) -> (StepResult<Scalar>, RunningMetrics) {
        if let shards = batchShards(of: batch) {
            return shardedStep(batch, shards: shards, trainingCount: trainingCount, info: info, position: position)
        }
        let (result, isCompiled) = steps.step(model, batch: batch, loss: loss, penalty: (l2Penalty, trainingCount), info: info,
                                              position: position, generator: &generator)
        if isCompiled { compiledStepCount += 1 }
        var metrics = RunningMetrics(topK: topK)
        metrics.add(loss: result.loss, outputs: result.outputs, targets: batch.targets, lossFunction: loss)
        return (result, metrics)
    }

    /// The first stop asked for by `callbacks` (every callback is called).
    private static func firstStop(_ callbacks: inout [any TrainingCallback],
                                  _ ask: (inout any TrainingCallback) -> TrainingDecision) -> StopReason? {
        var first: StopReason?
        for index in callbacks.indices {
            if case .stop(let reason) = ask(&callbacks[index]), first == nil { first = reason }
        }
        return first
    }

    /// Ends training for `reason`: records and reports it.
    private mutating func stop(_ reason: StopReason) -> History {
        history.stopReason = reason
        progress.finish("Stopped: \(reason)")
        return history
    }

    /// The line written at the end of an epoch.
    private func summary(_ record: EpochRecord, epochs: Int, examplesPerSecond: Double) -> String {
        var parts = ["Epoch \(record.epoch + 1)/\(epochs)", "loss \(formatLoss(record.trainingLoss))",
                     "accuracy \(ConfusionMatrix.percent(record.trainingAccuracy))"]
        if let error = record.trainingTopKError { parts.append("top-\(topK) error \(ConfusionMatrix.percent(error))") }
        if let loss = record.validationLoss { parts.append("val loss \(formatLoss(loss))") }
        if let accuracy = record.validationAccuracy { parts.append("val accuracy \(ConfusionMatrix.percent(accuracy))") }
        if let error = record.validationTopKError { parts.append("val top-\(topK) error \(ConfusionMatrix.percent(error))") }
        parts.append("\(formatRate(examplesPerSecond)) \(rateUnit)")
        parts.append(formatDuration(record.seconds))
        return parts.joined(separator: "  ")
    }
}
