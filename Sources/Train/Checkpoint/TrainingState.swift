import Autograd

/// Everything a training run needs to resume exactly: parameters, model state (running
/// statistics) and optimiser state by name (in order), the epoch and step reached, and the random generators' states, stored in one
/// safetensors file. Parameters and optimiser state must be finite: a state holding a NaN or
/// an infinity is neither written nor read (``CheckpointError``, `nonFinite`).
///
/// Layout: tensors `parameters/<name>`, `state/<name>` and `optimizer/<name>` (F32 for `Float`, F64 for
/// `Double`), `generators/<name>` (U64, the four xoshiro256** words), `progress` (I64
/// `[epoch, step]`), and the metadata key `swift-autograd.format` = `training-state/1` beside
/// the caller's own metadata.
public struct TrainingState<Scalar: TensorScalar>: Sendable {
    /// The model's parameters, in the model's order.
    public var parameters: [(name: String, value: Tensor<Scalar>)]
    /// The model's state tensors (``Module/state``, such as running statistics), in the model's order.
    public var modelState: [(name: String, value: Tensor<Scalar>)]
    /// The optimiser's state tensors (moments, velocities), in the optimiser's order.
    public var optimizerState: [(name: String, value: Tensor<Scalar>)]
    /// Completed epochs.
    public var epoch: Int
    /// Completed optimisation steps.
    public var step: Int
    /// The random generators by role (for example "sampling" as it was when the current epoch's
    /// order was drawn, and "dropout" as it is now).
    public var generators: [String: SeededGenerator]
    /// The caller's own metadata (hyper-parameters, dataset, notes).
    public var metadata: [String: String]

    /// The metadata key and value that mark a training-state file.
    static var formatKey: String { "swift-autograd.format" }
    static var formatValue: String { "training-state/1" }
    /// Where the state was read from, for error messages.
    private var source = "<memory>"

    /// Bundles a run's state.
    public init(parameters: [(name: String, value: Tensor<Scalar>)], modelState: [(name: String, value: Tensor<Scalar>)] = [],
                optimizerState: [(name: String, value: Tensor<Scalar>)] = [],
                epoch: Int, step: Int, generators: [String: SeededGenerator], metadata: [String: String] = [:]) {
        self.parameters = parameters
        self.modelState = modelState
        self.optimizerState = optimizerState
        self.epoch = epoch
        self.step = step
        self.generators = generators
        self.metadata = metadata
    }

    /// The state as safetensors.
    public var safeTensors: SafeTensors {
        var file = SafeTensors(metadata: metadata.merging([Self.formatKey: Self.formatValue]) { _, format in format })
        for (name, value) in parameters { file.append(StoredTensor(value), named: "parameters/" + name) }
        for (name, value) in modelState { file.append(StoredTensor(value), named: "state/" + name) }
        for (name, value) in optimizerState { file.append(StoredTensor(value), named: "optimizer/" + name) }
        for (name, generator) in generators.sorted(by: { $0.key < $1.key }) {
            file.append(StoredTensor(generator.stateWords), named: "generators/" + name)
        }
        file.append(StoredTensor([Int64(epoch), Int64(step)]), named: "progress")
        return file
    }

    /// Reads a state from safetensors written by ``safeTensors``; throws ``CheckpointError``.
    public init(_ file: SafeTensors) throws {
        guard file.metadata[Self.formatKey] == Self.formatValue else {
            throw file.error(.missing, "not a training state: metadata \(Self.formatKey) is \(file.metadata[Self.formatKey].map { "\"\($0)\"" } ?? "missing"), expected \"\(Self.formatValue)\"")
        }
        func named(_ prefix: String) -> [(name: String, stored: String)] {
            file.names.filter { $0.hasPrefix(prefix) }.map { (String($0.dropFirst(prefix.count)), $0) }
        }
        parameters = try named("parameters/").map { ($0.name, try file.tensor($0.stored, as: Scalar.self)) }
        modelState = try named("state/").map { ($0.name, try file.tensor($0.stored, as: Scalar.self)) }
        optimizerState = try named("optimizer/").map { ($0.name, try file.tensor($0.stored, as: Scalar.self)) }
        generators = try Dictionary(uniqueKeysWithValues: named("generators/").map { name, stored in
            guard let generator = SeededGenerator(state: try file.uint64s(stored)) else {
                throw file.error(.badEntry, "generator \"\(name)\" is not four words with one non-zero")
            }
            return (name, generator)
        })
        // Bounds far above any run, low enough that positions computed from them (epoch × steps
        // per epoch + step) cannot overflow.
        let progress = try file.int64s("progress")
        guard progress.count == 2, (0...Int64(Int32.max)).contains(progress[0]), (0...Int64(1) << 53).contains(progress[1]) else {
            throw file.error(.badEntry, "progress \(progress) is not [epoch, step] with 0 ≤ epoch < 2^31 and 0 ≤ step ≤ 2^53")
        }
        (epoch, step) = (Int(progress[0]), Int(progress[1]))
        metadata = file.metadata.filter { $0.key != Self.formatKey }
        source = file.source
        if let problem = firstNonFiniteValue() { throw CheckpointError(.nonFinite, file: source, problem) }
    }

    /// Writes the state to `path` atomically; throws `nonFinite`, writing nothing, when a
    /// parameter, a model state tensor or an optimiser state tensor holds a NaN or an infinity.
    public func write(to path: String) throws {
        if let problem = firstNonFiniteValue() { throw CheckpointError(.nonFinite, file: path, problem + "; nothing was written") }
        try safeTensors.write(to: path)
    }

    /// Where the first NaN or infinity of the parameters or the optimiser state is, in words.
    private func firstNonFiniteValue() -> String? {
        for (kind, list) in [("parameter", parameters), ("model state", modelState), ("optimizer state", optimizerState)] {
            for (name, value) in list {
                if let (index, element) = value.firstNonFinite { return "\(kind) \"\(name)\" holds \(element) at element \(index)" }
            }
        }
        return nil
    }

    /// Reads a state from the file at `path`.
    public init(contentsOf path: String) throws { try self.init(SafeTensors(contentsOf: path)) }

    /// The parameter `name`, checked to have `shape`: for restoring a model's parameters one by one.
    public func parameter(_ name: String, shape: Shape) throws -> Tensor<Scalar> {
        try lookup(name, in: parameters, shape: shape, kind: "parameter")
    }

    /// The model state tensor `name`, checked to have `shape`: for restoring running statistics.
    public func modelState(_ name: String, shape: Shape) throws -> Tensor<Scalar> {
        try lookup(name, in: modelState, shape: shape, kind: "model state")
    }

    /// The optimiser state tensor `name`, checked to have `shape`.
    public func optimizerState(_ name: String, shape: Shape) throws -> Tensor<Scalar> {
        try lookup(name, in: optimizerState, shape: shape, kind: "optimizer state")
    }

    private func lookup(_ name: String, in list: [(name: String, value: Tensor<Scalar>)], shape: Shape, kind: String) throws -> Tensor<Scalar> {
        guard let value = list.first(where: { $0.name == name })?.value else {
            throw CheckpointError(.missing, file: source, "no \(kind) \"\(name)\" (have \(list.map(\.name).joined(separator: ", ")))")
        }
        guard value.shape == shape else {
            throw CheckpointError(.shapeMismatch, file: source, "\(kind) \"\(name)\" has shape \(value.shape), the model expects \(shape)")
        }
        return value
    }
}
