import KernelSupport

// The planning half of ``CompiledFunction``: from a traced tape to the steps to replay and the
// buffers they read and write.

/// Turns a tape into replay steps: which entries are needed, and which buffer holds each value.
struct ReplayPlan<Scalar: TensorScalar> {
    struct PlannedStep {
        let forward: Forward<Scalar>
        let inputs: [Int]
        let output: Int
    }

    /// Value identifiers: tape indices (≥ 0) or constants (< 0, −1 − index into `constants`).
    private(set) var steps: [PlannedStep] = []
    private(set) var stateValues: [Int] = []
    private(set) var inputValues: [Int] = []
    private(set) var resultValues: [Int] = []
    private(set) var buffers: [UnsafeMutableBufferPointer<Scalar>] = []
    private(set) var constants: [Tensor<Scalar>] = []
    /// Values read in place from an input on each run (the input or a view of it): the input's
    /// index. They have no buffer; until the first run they read the example input.
    private(set) var boundInputs: [Int: Int] = [:]
    private var exampleInputs: [Tensor<Scalar>] = []
    /// Where each result is after a run: its value's buffer, or a buffer of its own for a result
    /// that is (a view of) the old value of a state slot other than its own.
    private(set) var resultPointers: [UnsafeMutablePointer<Scalar>] = []
    /// Copies to make after the replay and before the new state is copied back: the old state
    /// values that results show, which the copy-back would otherwise overwrite.
    private(set) var snapshots: [(from: UnsafeMutablePointer<Scalar>, to: UnsafeMutablePointer<Scalar>, count: Int)] = []
    private var bufferOfValue: [Int: Int] = [:]
    private var shapes: [Int: Shape] = [:]

    func pointer(of value: Int) -> UnsafeMutablePointer<Scalar> {
        if value < 0 {
            return constants[-1 - value].storage.withBuffer { $0.baseAddress! }
        }
        if let input = boundInputs[value] {
            return exampleInputs[input].storage.withBuffer { $0.baseAddress! }
        }
        return buffers[bufferOfValue[value]!].baseAddress!
    }

    func shape(of value: Int) -> Shape { value < 0 ? constants[-1 - value].shape : shapes[value]! }

    private mutating func constant(_ tensor: Tensor<Scalar>) -> Int {
        constants.append(tensor.detached)
        return -constants.count
    }

    mutating func build(tape: Tape<Scalar>, state: [Tensor<Scalar>], inputs: [Tensor<Scalar>], results: [Tensor<Scalar>]) {
        let entries = tape.entries
        func index(_ tensor: Tensor<Scalar>) -> Int? { tensor.node.flatMap { $0.tape === tape ? $0.index : nil } }
        stateValues = state.map { index($0)! }
        inputValues = inputs.map { index($0)! }
        // The state's and the inputs' shapes are known even when the function ignores them.
        for value in stateValues + inputValues { shapes[value] = entries[value].output.shape }
        let slots = Set(stateValues + inputValues)
        resultValues = results.map { index($0) ?? constant($0) }

        // The entries the results depend on.
        var needed = [Bool](repeating: false, count: entries.count)
        var pending = resultValues.filter { $0 >= 0 }
        while let value = pending.popLast() {
            guard !needed[value] else { continue }
            needed[value] = true
            for input in entries[value].inputs where input.index >= 0 { pending.append(input.index) }
        }

        // Each needed value's root: the value whose buffer it lives in (aliases share).
        var root = [Int](repeating: -1, count: entries.count)
        var lastUse = [Int: Int]()
        let never = Int.max
        for value in entries.indices where needed[value] {
            let entry = entries[value]
            shapes[value] = entry.output.shape
            if entry.forward == nil, let source = entry.inputs.first?.index, source >= 0 {
                root[value] = root[source]
            } else {
                root[value] = value
            }
            for input in entry.inputs where input.index >= 0 {
                lastUse[root[input.index]] = max(lastUse[root[input.index]] ?? 0, value)
            }
        }
        let resultRoots = Set(resultValues.filter { $0 >= 0 }.map { root[$0] })
        let inPlace = inPlaceUpdates(entries: entries, root: root, resultRoots: resultRoots, lastUse: lastUse)
        for value in resultValues where value >= 0 { lastUse[root[value]] = never }
        for value in slots { lastUse[value] = never }

        // Inputs are read in place, unless they are also results (copied into a buffer).
        exampleInputs = inputs.map(\.detached)
        for (index, value) in inputValues.enumerated() where !resultRoots.contains(value) { boundInputs[value] = index }

        // Buffers: dedicated for slots, reused by size for intermediates once dead.
        var freeAt = [Int]()   // per buffer: the last step that reads its current value
        func allocate(_ count: Int, until last: Int, after position: Int) -> Int {
            if let reusable = buffers.indices.first(where: { buffers[$0].count == count && freeAt[$0] < position }) {
                freeAt[reusable] = last
                return reusable
            }
            // Aligned to a cache line, as tensor storage is (vector loads never straddle two lines).
            buffers.append(UnsafeMutableBufferPointer(start: alignedBuffer(Scalar.self, count: count), count: Swift.max(count, 1)))
            freeAt.append(last)
            return buffers.count - 1
        }
        for value in stateValues + inputValues where bufferOfValue[value] == nil && boundInputs[value] == nil {
            bufferOfValue[value] = allocate(entries[value].output.elementCount, until: never, after: never)
            let output = entries[value].output
            output.withUnsafeBufferPointer { buffers[bufferOfValue[value]!].baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
        for value in entries.indices where needed[value] && bufferOfValue[value] == nil && boundInputs[value] == nil {
            let entry = entries[value]
            if root[value] != value {
                if let input = boundInputs[root[value]] {
                    boundInputs[value] = input
                } else {
                    bufferOfValue[value] = bufferOfValue[root[value]]
                }
                continue
            }
            guard let forward = entry.forward else {
                // A variable that is neither state nor input: a constant of the traced function.
                let buffer = allocate(entry.output.elementCount, until: never, after: never)
                entry.output.withUnsafeBufferPointer { buffers[buffer].baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                bufferOfValue[value] = buffer
                continue
            }
            let operands = entry.inputs.map { $0.index >= 0 ? $0.index : constant($0.value) }
            bufferOfValue[value] = inPlace[value].map { bufferOfValue[$0]! }
                ?? allocate(entry.output.elementCount, until: lastUse[value] ?? value, after: value)
            steps.append(PlannedStep(forward: forward, inputs: operands, output: value))
        }
        // Before the first run, the outputs read as their traced values (a new state written in
        // place is not an output, and its buffer holds the state until the first run).
        for value in resultValues where value >= 0 && !slots.contains(value) && inPlace[value] == nil {
            let output = entries[value].output
            output.withUnsafeBufferPointer { pointer(of: value).update(from: $0.baseAddress!, count: $0.count) }
        }
        for (index, value) in resultValues.enumerated() {
            let source = pointer(of: value)
            guard value >= 0, stateValues.contains(root[value]),
                  index >= stateValues.count || stateValues[index] != root[value]
            else {
                resultPointers.append(source)
                continue
            }
            // Any intermediate's buffer will do: the snapshot is written after the replay, and
            // the next replay may overwrite it before writing it again.
            let count = entries[value].output.elementCount
            let snapshot = allocate(count, until: never, after: never)
            buffers[snapshot].baseAddress!.update(from: source, count: count)
            resultPointers.append(buffers[snapshot].baseAddress!)
            snapshots.append((source, buffers[snapshot].baseAddress!, count))
        }
    }

    /// New state values that can be computed straight into their state's buffer, each mapped to
    /// that state value: an element-wise operation on the old state that is its last reader, and
    /// whose result is that state's new value only (no other result, no alias); no result shows
    /// the old value (`resultRoots`: the buffers the results live in). The run then copies nothing
    /// back for it (for an optimiser step: no second copy of the weights either).
    private func inPlaceUpdates(entries: [Tape<Scalar>.Entry], root: [Int], resultRoots: Set<Int>,
                                lastUse: [Int: Int]) -> [Int: Int] {
        var updates = [Int: Int]()
        for (old, new) in zip(stateValues, resultValues) where new >= 0 && root[new] == new {
            let entry = entries[new]
            guard entry.forward != nil, entry.primitive.isElementwise, resultValues.count(where: { $0 == new }) == 1,
                  !resultRoots.contains(old), lastUse[old] == new,
                  entry.inputs.contains(where: { $0.index >= 0 && root[$0.index] == old })
            else { continue }
            updates[new] = old
        }
        return updates
    }
}
