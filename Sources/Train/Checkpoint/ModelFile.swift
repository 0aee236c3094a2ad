import Autograd
import Layers

/// The metadata value of `swift-autograd.format` that marks a file of a model's parameters.
let modelFileFormat = "model/1"

extension Parameterized {
    /// The parameters as safetensors, each under its dotted name (`block1.conv.weight`), in
    /// visit order, then the state (a BatchNorm's running statistics) under `state/<name>`, with
    /// `metadata` and `swift-autograd.format` = `model/1`.
    public func parameterFile(metadata: [String: String] = [:]) -> SafeTensors {
        let formatKey = TrainingState<Scalar>.formatKey
        var file = SafeTensors(metadata: metadata.merging([formatKey: modelFileFormat]) { _, format in format })
        for parameter in parameters { file.append(StoredTensor(parameter.value), named: parameter.name) }
        for tensor in state { file.append(StoredTensor(tensor.value), named: Self.statePrefix + tensor.name) }
        return file
    }

    /// The prefix of state tensors in model files and checkpoints alike.
    private static var statePrefix: String { "state/" }

    /// Writes the parameters to `path` as a safetensors file (``parameterFile(metadata:)``),
    /// atomically: a reader finds the old file or the whole new one. Throws ``CheckpointError``
    /// `unwritable`.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try parameterFile(metadata: metadata).write(to: path)
    }

    /// Replaces every parameter and every state tensor with the one of the same name in the safetensors file at
    /// `path`: a file written by ``save(to:metadata:)``, a ``Trainer`` checkpoint (whose
    /// `parameters/<name>` tensors it reads) or any file that names its tensors as the model
    /// does. Throws ``CheckpointError``, naming the parameter and the shapes, when the file
    /// cannot be read or does not fit the model; then no parameter is changed.
    public mutating func load(from path: String) throws {
        try load(from: SafeTensors(contentsOf: path))
    }

    /// Replaces every parameter and state tensor with the one of the same name in `file`; as
    /// loading from a path does. A tensor missing (`missing`), of another shape
    /// (`shapeMismatch`) or element type (`dtypeMismatch`), or a tensor that is no parameter or
    /// state of the model (`badEntry`) throws.
    public mutating func load(from file: SafeTensors) throws {
        let isTrainingState = file.metadata[TrainingState<Scalar>.formatKey] == TrainingState<Scalar>.formatValue
        let prefix = isTrainingState ? "parameters/" : ""
        let parameterValues = try Self.tensors(parameters.map { ($0.name, $0.value) }, kind: "parameter",
                                               prefix: prefix, in: file, of: layerDescription)
        let stateValues = try Self.tensors(state.map { ($0.name, $0.value) }, kind: "state tensor",
                                           prefix: Self.statePrefix, in: file, of: layerDescription)
        replaceParameters(with: parameterValues)
        replaceState(with: stateValues)
    }

    /// The tensors of `file` stored as `prefix` + each name of `expected`, checked against the
    /// expected shapes; a tensor under `prefix` that `expected` does not name throws `badEntry`
    /// (in a model file, where parameters have no prefix, the state tensors are set aside).
    private static func tensors(
        _ expected: [(name: String, value: Tensor<Scalar>)], kind: String, prefix: String, in file: SafeTensors, of layer: String
    ) throws -> [Tensor<Scalar>] {
        let values = try expected.map { name, value in
            let stored = prefix + name
            guard let tensor = file[stored] else {
                throw file.error(.missing, "no tensor \"\(stored)\" for \(kind) \"\(name)\" of shape \(value.shape) of \(layer)")
            }
            guard tensor.shape == value.shape.dimensions else {
                throw file.error(.shapeMismatch, "\(kind) \"\(name)\" has shape \(Shape(tensor.shape)) in the file, the model expects \(value.shape)")
            }
            return try file.tensor(stored, as: Scalar.self)
        }
        let names = Set(expected.map { prefix + $0.name })
        let isOwn = { (stored: String) in stored.hasPrefix(prefix) && (!prefix.isEmpty || !stored.hasPrefix(statePrefix)) }
        if let extra = file.names.first(where: { isOwn($0) && !names.contains($0) }) {
            throw file.error(.badEntry, "tensor \"\(extra)\" is no \(kind) of \(layer) (its \(kind)s: \(expected.map(\.name).joined(separator: ", ")))")
        }
        return values
    }
}
