/// Whether ``Trainer/fit(training:validation:epochs:batchSize:withReplacement:callbacks:file:line:)``
/// replays its training steps as a ``CompiledFunction`` or runs each on the tape.
public enum TrainingCompilation: String, Sendable, Hashable, CaseIterable {
    /// Compiled steps wherever they give the tape's results bit for bit (the default); the
    /// tape elsewhere. Docs/Training.md, "Compiled steps", says when that is.
    case automatic
    /// Every step on the tape.
    case off
}
