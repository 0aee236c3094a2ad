/// Where a recorded tensor sits on its tape.
struct TapeNode<Scalar: TensorElement> {
    let tape: Tape<Scalar>
    let index: Int
}

/// The record of one recording scope: every primitive applied to recorded tensors, in order.
///
/// Entries are appended in evaluation order, so the tape is already topologically sorted:
/// the backward pass walks it in reverse, the forward-mode pass walks it forward. Nested scopes
/// share the tape of the outermost one; pullbacks run while an outer scope is open are recorded
/// too, which gives derivatives of derivatives.
final class Tape<Scalar: TensorElement> {
    /// One input of a recorded primitive.
    struct Input {
        /// Its tape index (−1: a constant input).
        let index: Int
        /// Its value (not recorded): constants among the inputs are needed to replay `forward`.
        let value: Tensor<Scalar>
    }

    struct Entry {
        let primitive: Primitive
        /// The inputs, in order (none for a variable).
        let inputs: InlineList<Input>
        /// The forward value (not recorded).
        let output: Tensor<Scalar>
        /// How to compute `output` from the inputs; nil when the output is the first input's
        /// elements unchanged (a variable or a reshape).
        let forward: Forward<Scalar>?
        let pullback: Pullback<Scalar>?
        let pushforward: Pushforward<Scalar>?
    }

    private(set) var entries: [Entry] = []
    /// The number of scopes open on this tape.
    var depth = 0
    /// False while a first-order backward pass runs and after the tape is closed.
    var isRecording = true
}

// Only tensors of floating-point scalars are recorded (index tensors never have a tape).
extension Tape where Scalar: TensorScalar {
    /// The recording tape shared by the given inputs, if any of them is recorded.
    static func recording(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>? = nil, _ c: Tensor<Scalar>? = nil) -> Tape? {
        if let node = a.node, node.tape.isRecording { return node.tape }
        if let node = b?.node, node.tape.isRecording { return node.tape }
        if let node = c?.node, node.tape.isRecording { return node.tape }
        return nil
    }

    /// The recording tape shared by `inputs`, if any of them is recorded.
    static func recording(_ inputs: [Tensor<Scalar>]) -> Tape? {
        inputs.lazy.compactMap { $0.node?.tape }.first { $0.isRecording }
    }

    /// Appends an entry for `output`, a primitive of one to three inputs, and returns it as a
    /// recorded tensor.
    func record(
        _ primitive: Primitive, _ output: Tensor<Scalar>,
        inputs a: Tensor<Scalar>, _ b: Tensor<Scalar>? = nil, _ c: Tensor<Scalar>? = nil,
        forward: Forward<Scalar>?,
        pullback: @escaping Pullback<Scalar>, pushforward: @escaping Pushforward<Scalar>
    ) -> Tensor<Scalar> {
        precondition(b != nil || c == nil, "\(primitive): a third input without a second")
        var inputs = InlineList<Input>()
        inputs.append(input(a))
        if let b { inputs.append(input(b)) }
        if let c { inputs.append(input(c)) }
        return append(Entry(primitive: primitive, inputs: inputs, output: output.detached,
                            forward: forward, pullback: pullback, pushforward: pushforward))
    }

    /// Appends an entry for `output`, a primitive of any number of `inputs`, and returns it as a
    /// recorded tensor.
    func record(
        _ primitive: Primitive, _ output: Tensor<Scalar>, inputs: [Tensor<Scalar>], forward: Forward<Scalar>?,
        pullback: @escaping Pullback<Scalar>, pushforward: @escaping Pushforward<Scalar>
    ) -> Tensor<Scalar> {
        append(Entry(primitive: primitive, inputs: InlineList(inputs.lazy.map(input)), output: output.detached,
                     forward: forward, pullback: pullback, pushforward: pushforward))
    }

    /// `tensor` as an input of an entry: its index on this tape, or −1 for a constant.
    private func input(_ tensor: Tensor<Scalar>) -> Input {
        guard let node = tensor.node, node.tape === self else { return Input(index: -1, value: tensor.detached) }
        return Input(index: node.index, value: tensor.detached)
    }

    /// Appends `entry` and returns its output as a recorded tensor.
    private func append(_ entry: Entry) -> Tensor<Scalar> {
        entries.append(entry)
        return recordedOutput(entries.count - 1)
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
        return append(Entry(primitive: .variable, inputs: InlineList(), output: value.detached,
                            forward: nil, pullback: nil, pushforward: nil))
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
            for slot in entry.inputs.indices {
                let input = entry.inputs[slot].index
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
            for input in entries[index].inputs.lazy.map(\.index) where input >= start {
                if index < firstUser[input - start] { firstUser[input - start] = index }
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
            let inputTangents = Tangents(entry.inputs.lazy.map { $0.index >= start ? known[$0.index - start] : nil })
            guard !inputTangents.areAllZero else { continue }
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
