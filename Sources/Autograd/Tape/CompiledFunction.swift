import KernelSupport

/// A function of tensors traced once and then replayed on new data without the tape.
///
/// Tracing records every primitive the function applies (including the backward passes of any
/// gradients it computes and the parameter updates it makes); replaying runs the same kernels
/// into buffers planned once, reusing a buffer as soon as its value is dead. A compiled training
/// step therefore costs no allocation and no bookkeeping per operation. It copies little: the
/// inputs are read where the caller keeps them, and an element-wise update of the state
/// (p − η g) overwrites the old value in place when nothing reads it later.
///
/// The function has **state** (tensors it updates: its first results replace them after each
/// run, like parameters after an optimiser step) and **inputs** (fed on each run, like a batch).
/// What the function does must not depend on the values: control flow, shapes and any tensor it
/// creates without deriving it from the state or the inputs (a dropout mask, the one-hot targets
/// of `softmaxCrossEntropy(logits:labels:)`) are frozen at tracing time; make such tensors
/// inputs to have them anew on each run (a mask input of ``Tensor/multiplying(byMask:file:line:)``
/// stays an operand).
///
/// ```swift
/// let step = CompiledFunction(state: parameters, inputs: [x, y]) { p, data in
///     let (loss, g) = valueWithGradient(at: p) { p in quadraticCost(model(p, data[0]), data[1]) }
///     return (zip(p, g).map { $0 - $1 * 0.05 }, [loss])
/// }
/// step.run([x, y])      // parameters updated in place
/// ```
public final class CompiledFunction<Scalar: TensorScalar> {
    /// One replayed primitive: its forward rule and where its operands live. A class, so that
    /// `run` can call the rule through an unretained reference: a rule loaded from an array of
    /// structs is retained and released around every call (17 % of the netbp step).
    private final class Step {
        let forward: Forward<Scalar>
        /// Where the operands are, one pointer each; `run` rebinds those that read an input.
        let operands: UnsafeMutablePointer<UnsafeRawPointer>
        let output: UnsafeMutablePointer<Scalar>
        init(forward: @escaping Forward<Scalar>, operands: [UnsafeMutablePointer<Scalar>], output: UnsafeMutablePointer<Scalar>) {
            self.operands = .allocate(capacity: Swift.max(operands.count, 1))
            self.operands.initialize(from: operands.map { UnsafeRawPointer($0) }, count: operands.count)
            (self.forward, self.output) = (forward, output)
        }
        deinit { operands.deallocate() }
        /// The forward rule's view of the operands.
        var inputs: ForwardInputs<Scalar> { ForwardInputs(pointers: operands) }
        /// Makes operand `operand` read `pointer`.
        func rebind(operand: Int, to pointer: UnsafePointer<Scalar>) { operands[operand] = UnsafeRawPointer(pointer) }
    }
    private struct Slot {
        let pointer: UnsafeMutablePointer<Scalar>
        let shape: Shape
    }

    /// Where an input goes on each run: copied into a buffer (an input that is also a result),
    /// or, without a buffer, read in place by the operands of its ``inputReaders``.
    private struct InputSlot {
        let shape: Shape
        let buffer: UnsafeMutablePointer<Scalar>?
    }

    private let steps: [Step]
    private let inputs: [InputSlot]
    /// Per input read in place, the step operands that read it. Until the first run they point
    /// at the example inputs, which may be gone by then: nothing reads them before a run binds
    /// its own. (Kept apart from ``inputs``, whose shapes every run checks, so that reading a
    /// slot does not also retain and release its list.)
    private let inputReaders: [[(step: Step, operand: Int)]]
    private let state: [Slot]
    /// Where each new state value is after a run: a state slot itself when unchanged or
    /// updated in place (nothing to copy back).
    private let newState: [UnsafeMutablePointer<Scalar>]
    private let results: [Slot]
    /// Old state values that results show, copied aside before the new state is copied back.
    private let snapshots: [(from: UnsafeMutablePointer<Scalar>, to: UnsafeMutablePointer<Scalar>, count: Int)]
    /// Buffers this function owns.
    private let buffers: [UnsafeMutableBufferPointer<Scalar>]
    /// Constant tensors whose elements the steps read.
    private let constants: [Tensor<Scalar>]

    /// The number of primitives replayed per run.
    public var operationCount: Int { steps.count }

    /// The number of scalars held in planned buffers: the state, the intermediates, and any input
    /// that is also a result (other inputs are read in place).
    public var bufferedScalarCount: Int { buffers.reduce(0) { $0 + $1.count } }

    /// Traces `body` at `state` and example `inputs`. `body` returns the new state (as many
    /// tensors as `state`, shapes unchanged) and any number of outputs.
    public init(
        state initialState: [Tensor<Scalar>], inputs exampleInputs: [Tensor<Scalar>],
        file: StaticString = #fileID, line: UInt = #line,
        _ body: (_ state: [Tensor<Scalar>], _ inputs: [Tensor<Scalar>]) -> (state: [Tensor<Scalar>], outputs: [Tensor<Scalar>])
    ) {
        if let active = RecordingScope.active?.tape as? Tape<Scalar>, active.isRecording {
            fatalError("CompiledFunction: cannot trace inside a recording scope", file: file, line: line)
        }
        var plan = ReplayPlan<Scalar>()
        RecordingScope.run(Scalar.self) { tape, _ in
            let stateVariables = initialState.map(tape.watch)
            let inputVariables = exampleInputs.map(tape.watch)
            let (updated, outputs) = body(stateVariables, inputVariables)
            guard updated.count == initialState.count,
                  zip(updated, initialState).allSatisfy({ $0.shape == $1.shape })
            else {
                fatalError("CompiledFunction: the new state has shapes \(updated.map(\.shape)), the state \(initialState.map(\.shape))",
                                    file: file, line: line)
            }
            plan.build(tape: tape, state: stateVariables, inputs: inputVariables, results: updated + outputs)
        }
        func slot(_ value: Int) -> Slot { Slot(pointer: plan.pointer(of: value), shape: plan.shape(of: value)) }
        steps = plan.steps.map { step in
            Step(forward: step.forward, operands: step.inputs.map(plan.pointer(of:)), output: plan.pointer(of: step.output))
        }
        state = plan.stateValues.map(slot)
        var readers = [[(step: Step, operand: Int)]](repeating: [], count: plan.inputValues.count)
        for (step, planned) in zip(steps, plan.steps) {
            for (operand, value) in planned.inputs.enumerated() {
                if let input = plan.boundInputs[value] { readers[input].append((step, operand)) }
            }
        }
        inputs = plan.inputValues.map { value in
            InputSlot(shape: plan.shape(of: value), buffer: plan.boundInputs[value] == nil ? plan.pointer(of: value) : nil)
        }
        inputReaders = readers
        newState = Array(plan.resultPointers.prefix(initialState.count))
        results = zip(plan.resultPointers, plan.resultValues).dropFirst(initialState.count).map {
            Slot(pointer: $0, shape: plan.shape(of: $1))
        }
        snapshots = plan.snapshots
        buffers = plan.buffers
        constants = plan.constants
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Replays the function on `inputs` (shaped like the example inputs) and updates the state.
    public func run(_ inputs: [Tensor<Scalar>], file: StaticString = #fileID, line: UInt = #line) {
        guard inputs.count == self.inputs.count else {
            fatalError("CompiledFunction.run: \(inputs.count) inputs for a function traced with \(self.inputs.count)",
                                file: file, line: line)
        }
        for (index, (slot, input)) in zip(self.inputs, inputs).enumerated() {
            guard slot.shape == input.shape else {
                fatalError("CompiledFunction.run: input of shape \(input.shape) where \(slot.shape) was traced",
                                    file: file, line: line)
            }
            // The steps read the caller's elements, alive until `run` returns; after it, nothing
            // reads them until the next run binds its own.
            let elements = input.storage.withBuffer { UnsafePointer($0.baseAddress!) }
            if let buffer = slot.buffer {
                ElementCopy.copy(input.elementCount, from: elements, to: buffer)
            } else {
                for (step, operand) in inputReaders[index] { step.rebind(operand: operand, to: elements) }
            }
        }
        steps.withUnsafeBufferPointer { steps in
            for index in steps.indices {
                Unmanaged.passUnretained(steps[index])._withUnsafeGuaranteedRef { $0.forward($0.inputs, $0.output) }
            }
        }
        for (from, to, count) in snapshots { ElementCopy.copy(count, from: from, to: to) }
        for (slot, source) in zip(state, newState) where slot.pointer != source {
            ElementCopy.copy(slot.shape.elementCount, from: source, to: slot.pointer)
        }
    }

    /// The current state.
    public var currentState: [Tensor<Scalar>] { state.map(tensor) }

    /// The outputs of the last run (of tracing, before the first run).
    public var outputs: [Tensor<Scalar>] { results.map(tensor) }

    private func tensor(_ slot: Slot) -> Tensor<Scalar> {
        Tensor(shape: slot.shape) { $0.baseAddress!.update(from: slot.pointer, count: slot.shape.elementCount) }
    }
}
