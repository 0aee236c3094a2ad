import Foundation
import Layers
import Train

extension Trainer {
    /// `--resume path`: restores the checkpoint, refusing (unless `allowsChangedSettings`) one
    /// written by a run of another number of processes than `processCount`.
    mutating func resumeForCommand(from path: String, allowsChangedSettings: Bool, processCount: Int) throws {
        try restoreCheckpoint(from: path, allowingChangedSettings: allowsChangedSettings)
        let saved = Int(runSettings[Self.processesKey] ?? "1") ?? 1
        if saved != processCount, !allowsChangedSettings {
            throw CommandLineError(description: "--resume \(path): the checkpoint was written by a run of \(saved) process(es) "
                                       + "and this run has \(processCount); each process trains on its part of every batch, so resume with "
                                       + (saved == 1 ? "one process (without mpirun)" : "mpirun -np \(saved)")
                                       + ", or add --allow-changed-settings to go on with \(processCount) (the result then differs from a run that was never interrupted)")
        }
    }

    /// `fit` for a training command: a settings mismatch after `--resume` becomes advice on the
    /// command line, and a stop by a guard (NaN, divergence) a ``TrainingStopped`` error; another
    /// early stop is logged. Returns the history and the seconds it took.
    mutating func fitForCommand<Data: BatchSource>(
        training: Data, validation: Data?, epochs: Int, batchSize: Int, callbacks: [any TrainingCallback],
        checkpointPath: String?, log: (String) -> Void
    ) throws -> (history: History, seconds: Double) where Data.Scalar == Scalar {
        let start = Date()
        let history: History
        do {
            history = try fit(training: training, validation: validation, epochs: epochs, batchSize: batchSize, callbacks: callbacks)
        } catch let error as CheckpointError where error.kind == .settingsMismatch {
            throw CommandLineError(description: "\(error)\nresume with the checkpoint's settings, or add --allow-changed-settings to go on "
                                       + "with these (the result then differs from a run that was never interrupted)")
        }
        switch history.stopReason {
        case .nonFinite?, .diverged?:
            throw TrainingStopped(reason: history.stopReason!, checkpointPath: checkpointPath)
        case let reason?:
            log("stopped early: \(reason)")
        case nil:
            break
        }
        return (history, Date().timeIntervalSince(start))
    }
}
