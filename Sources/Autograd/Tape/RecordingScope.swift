/// The tape of the innermost open recording scope of the current task, so that a scope opened
/// inside another one records onto the same tape (which is what makes derivatives of
/// derivatives work). Task-local: no global mutable state.
enum RecordingScope {
    @TaskLocal static var active: ActiveTape?

    /// Runs `body` with a tape: the enclosing scope's tape when one is open for `Scalar`,
    /// otherwise a new one. A new tape is closed (its intermediates freed) when `body` returns,
    /// unless `keepingTapeOpen` is set, in which case the caller must close it.
    static func run<Scalar: TensorScalar, Result>(
        _ scalar: Scalar.Type, keepingTapeOpen: Bool = false,
        _ body: (Tape<Scalar>, _ isOutermost: Bool) throws -> Result
    ) rethrows -> Result {
        if let tape = active?.tape as? Tape<Scalar>, tape.isRecording {
            tape.depth += 1
            defer { tape.depth -= 1 }
            return try body(tape, false)
        }
        let tape = Tape<Scalar>()
        tape.depth = 1
        defer {
            tape.depth = 0
            if keepingTapeOpen { tape.isRecording = false } else { tape.close() }
        }
        return try $active.withValue(ActiveTape(tape)) { try body(tape, true) }
    }
}

/// A reference to a tape that may be stored task-locally. A tape is only ever used by the
/// task that records on it.
final class ActiveTape: @unchecked Sendable {
    let tape: AnyObject
    init(_ tape: AnyObject) { self.tape = tape }
}

/// Keeps a tape's entries alive for an escaping pullback or pushforward and frees them with it.
final class TapeLease<Scalar: TensorScalar> {
    let tape: Tape<Scalar>
    let isOwner: Bool
    init(_ tape: Tape<Scalar>, isOwner: Bool) { (self.tape, self.isOwner) = (tape, isOwner) }
    deinit { if isOwner { tape.close() } }
}
