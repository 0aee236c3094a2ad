/// Where a recorded tensor sits on its tape.
struct TapeNode<Scalar: TensorScalar> {
    let tape: Tape<Scalar>
    let index: Int
}

/// The cotangents (or tangents) of a primitive's inputs, in input order; nil means zero.
public struct Tangents<Scalar: TensorScalar> {
    var first: Tensor<Scalar>?
    var second: Tensor<Scalar>?
    var third: Tensor<Scalar>?

    /// Tangents for up to three inputs.
    init(_ first: Tensor<Scalar>?, _ second: Tensor<Scalar>? = nil, _ third: Tensor<Scalar>? = nil) {
        (self.first, self.second, self.third) = (first, second, third)
    }

    subscript(slot: Int) -> Tensor<Scalar>? {
        switch slot {
        case 0: first
        case 1: second
        default: third
        }
    }
}

/// Pointers to the elements of a primitive's inputs, in input order (unused slots repeat the first).
struct ForwardInputs<Scalar: TensorScalar> {
    let first: UnsafePointer<Scalar>
    let second: UnsafePointer<Scalar>
    let third: UnsafePointer<Scalar>
}

/// A primitive's forward rule on raw elements. It is kept on the tape, so that a traced function
/// can be replayed on new data without the tape (see ``CompiledFunction``).
typealias Forward<Scalar: TensorScalar> = (_ inputs: ForwardInputs<Scalar>, _ output: UnsafeMutablePointer<Scalar>) -> Void

/// A primitive's pullback: the output cotangent and the (recorded) output give the input cotangents.
typealias Pullback<Scalar: TensorScalar> = (_ cotangent: Tensor<Scalar>, _ output: Tensor<Scalar>) -> Tangents<Scalar>
/// A primitive's pushforward: the input tangents (nil = zero) and the output give the output tangent.
typealias Pushforward<Scalar: TensorScalar> = (_ tangents: Tangents<Scalar>, _ output: Tensor<Scalar>) -> Tensor<Scalar>

/// The record of one recording scope: every primitive applied to recorded tensors, in order.
///
/// Entries are appended in evaluation order, so the tape is already topologically sorted:
/// the backward pass walks it in reverse, the forward-mode pass walks it forward. Nested scopes
/// share the tape of the outermost one; pullbacks run while an outer scope is open are recorded
/// too, which gives derivatives of derivatives.
final class Tape<Scalar: TensorScalar> {
    struct Entry {
        let primitive: Primitive
        /// Tape indices of the inputs (−1: a constant input).
        let inputs: (Int, Int, Int)
        /// The input values (not recorded): constants among them are needed to replay `forward`.
        let arguments: (Tensor<Scalar>?, Tensor<Scalar>?, Tensor<Scalar>?)
        /// The forward value (not recorded).
        let output: Tensor<Scalar>
        /// How to compute `output` from the inputs; nil when the output is the first input's
        /// elements unchanged (a variable or a reshape).
        let forward: Forward<Scalar>?
        let pullback: Pullback<Scalar>?
        let pushforward: Pushforward<Scalar>?

        func input(_ slot: Int) -> Int {
            switch slot {
            case 0: inputs.0
            case 1: inputs.1
            default: inputs.2
            }
        }
    }

    private(set) var entries: [Entry] = []
    /// The number of scopes open on this tape.
    var depth = 0
    /// False while a first-order backward pass runs and after the tape is closed.
    var isRecording = true

    /// The recording tape shared by the given inputs, if any of them is recorded.
    static func recording(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>? = nil, _ c: Tensor<Scalar>? = nil) -> Tape? {
        if let node = a.node, node.tape.isRecording { return node.tape }
        if let node = b?.node, node.tape.isRecording { return node.tape }
        if let node = c?.node, node.tape.isRecording { return node.tape }
        return nil
    }

    /// Appends an entry for `output` and returns it as a recorded tensor.
    func record(
        _ primitive: Primitive, _ output: Tensor<Scalar>,
        inputs a: Tensor<Scalar>, _ b: Tensor<Scalar>? = nil, _ c: Tensor<Scalar>? = nil,
        forward: Forward<Scalar>?,
        pullback: @escaping Pullback<Scalar>, pushforward: @escaping Pushforward<Scalar>
    ) -> Tensor<Scalar> {
        func index(_ tensor: Tensor<Scalar>?) -> Int {
            guard let node = tensor?.node, node.tape === self else { return -1 }
            return node.index
        }
        entries.append(Entry(primitive: primitive, inputs: (index(a), index(b), index(c)),
                             arguments: (a.detached, b?.detached, c?.detached), output: output.detached,
                             forward: forward, pullback: pullback, pushforward: pushforward))
        return Tensor(shape: output.shape, storage: output.storage, node: TapeNode(tape: self, index: entries.count - 1))
    }

    /// Starts differentiation at `value`: a new variable entry. A value already recorded on
    /// this tape (an enclosing scope's variable or intermediate) stays connected to it through
    /// the identity, so the enclosing scope can differentiate what the inner one computes.
    func watch(_ value: Tensor<Scalar>) -> Tensor<Scalar> {
        if let node = value.node, node.tape === self, isRecording {
            return record(.variable, value, inputs: value, forward: nil,
                          pullback: { cotangent, _ in Tangents(cotangent) },
                          pushforward: { t, _ in t.first! })
        }
        entries.append(Entry(primitive: .variable, inputs: (-1, -1, -1), arguments: (nil, nil, nil),
                             output: value.detached, forward: nil, pullback: nil, pushforward: nil))
        return Tensor(shape: value.shape, storage: value.storage, node: TapeNode(tape: self, index: entries.count - 1))
    }

    /// The recorded tensor of entry `index`.
    func recordedOutput(_ index: Int) -> Tensor<Scalar> {
        let output = entries[index].output
        return Tensor(shape: output.shape, storage: output.storage, node: TapeNode(tape: self, index: index))
    }

    /// Ends recording and frees every intermediate value.
    func close() {
        isRecording = false
        entries.removeAll()
    }

    /// The cotangents of the watched `variables` given `seed` as the cotangent of `output`
    /// (reverse mode). A variable that `output` does not depend on gets nil.
    ///
    /// `whenFinal`, when given, is called once per variable (with its position in `variables`)
    /// as soon as its cotangent can no longer change: right after the walk has passed the
    /// earliest entry that uses it, while earlier entries are still to be pulled back.
    func pullback(of output: Tensor<Scalar>, seed: Tensor<Scalar>, to variables: [Tensor<Scalar>],
                  whenFinal: ((Int, Tensor<Scalar>?) -> Void)? = nil) -> [Tensor<Scalar>?] {
        let targets = variables.map { $0.node.flatMap { $0.tape === self ? $0.index : nil } }
        guard let end = output.node.flatMap({ $0.tape === self ? $0.index : nil }),
              let start = targets.compactMap({ $0 }).min(), start <= end
        else {
            if let whenFinal { for position in variables.indices { whenFinal(position, nil) } }
            return targets.map { _ in nil }
        }

        let wasRecording = isRecording
        isRecording = depth > 1
        defer { isRecording = wasRecording }

        var cotangents = [Tensor<Scalar>?](repeating: nil, count: end - start + 1)
        cotangents[end - start] = seed
        // With `whenFinal`: the variables in the order their cotangents become final, each with
        // the entry after whose pullback it is (-1: final before the walk starts).
        var finalAfter: [(entry: Int, position: Int)] = []
        if whenFinal != nil { finalAfter = finalizationOrder(of: targets, start: start, end: end) }
        var nextFinal = 0
        func deliver(through entry: Int) {
            while nextFinal < finalAfter.count, finalAfter[nextFinal].entry >= entry {
                let position = finalAfter[nextFinal].position
                whenFinal!(position, targets[position].flatMap { $0 <= end ? cotangents[$0 - start] : nil })
                nextFinal += 1
            }
        }
        if whenFinal != nil { deliver(through: end + 1) }
        for index in stride(from: end, through: start, by: -1) {
            defer { if whenFinal != nil { deliver(through: index) } }
            guard let cotangent = cotangents[index - start], let pullback = entries[index].pullback else { continue }
            let entry = entries[index]
            let inputCotangents = pullback(cotangent, recordedOutput(index))
            for slot in 0..<3 {
                let input = entry.input(slot)
                guard input >= start, let contribution = inputCotangents[slot] else { continue }
                assert(contribution.shape == entries[input].output.shape,
                       "\(entry.primitive) pullback: cotangent shape \(contribution.shape) for input of shape \(entries[input].output.shape)")
                if let existing = cotangents[input - start] {
                    cotangents[input - start] = existing + contribution
                } else {
                    cotangents[input - start] = contribution
                }
            }
        }
        if whenFinal != nil { deliver(through: Int.min) }
        return targets.map { $0.flatMap { $0 <= end ? cotangents[$0 - start] : nil } }
    }

    /// For each variable of `targets` (entry indices, nil when not on this tape), the entry of
    /// `start...end` after whose pullback its cotangent is final: its earliest user, or `end + 1`
    /// when no entry up to `end` uses it. Sorted in the walk's order (latest entry first).
    private func finalizationOrder(of targets: [Int?], start: Int, end: Int) -> [(entry: Int, position: Int)] {
        var firstUser = [Int](repeating: end + 1, count: end - start + 1)
        for index in start...end {
            let entry = entries[index]
            for slot in 0..<3 {
                let input = entry.input(slot)
                if input >= start, index < firstUser[input - start] { firstUser[input - start] = index }
            }
        }
        return targets.enumerated()
            .map { position, target in (entry: target.map { $0 <= end ? firstUser[$0 - start] : end + 1 } ?? end + 1, position: position) }
            .sorted { $0.entry != $1.entry ? $0.entry > $1.entry : $0.position < $1.position }
    }

    /// The tangent of `output` when each watched variable moves along its tangent (forward mode).
    func pushforward(of output: Tensor<Scalar>, from variables: [Tensor<Scalar>], along tangents: [Tensor<Scalar>]) -> Tensor<Scalar>? {
        guard let end = output.node.flatMap({ $0.tape === self ? $0.index : nil }) else { return nil }
        let sources = variables.map { $0.node.flatMap { $0.tape === self ? $0.index : nil } }
        guard let start = sources.compactMap({ $0 }).min(), start <= end else { return nil }

        let wasRecording = isRecording
        isRecording = depth > 1
        defer { isRecording = wasRecording }

        var known = [Tensor<Scalar>?](repeating: nil, count: end - start + 1)
        for (source, tangent) in zip(sources, tangents) {
            if let source { known[source - start] = tangent }
        }
        for index in start...end {
            let entry = entries[index]
            guard let pushforward = entry.pushforward else { continue }
            func tangent(_ slot: Int) -> Tensor<Scalar>? {
                let input = entry.input(slot)
                return input >= start ? known[input - start] : nil
            }
            let inputTangents = Tangents(tangent(0), tangent(1), tangent(2))
            guard inputTangents.first != nil || inputTangents.second != nil || inputTangents.third != nil else { continue }
            known[index - start] = pushforward(inputTangents, recordedOutput(index))
        }
        return known[end - start]
    }

    /// The first recorded primitive whose forward value holds NaN or an infinity.
    func firstNonFinitePrimitive() -> (primitive: Primitive, index: Int)? {
        for (index, entry) in entries.enumerated() where !entry.output.isFinite {
            return (entry.primitive, index)
        }
        return nil
    }
}
