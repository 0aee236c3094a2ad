import Autograd
import Layers

/// The metadata value of `swift-autograd.format` that marks a file of a model's parameters.
let modelFileFormat = "model/1"

extension Module {
    /// The parameters as safetensors, each under its dotted name (`block1.conv.weight`), in
    /// visit order, with `metadata` and `swift-autograd.format` = `model/1`.
    public func parameterFile(metadata: [String: String] = [:]) -> SafeTensors {
        let formatKey = TrainingState<Scalar>.formatKey
        var file = SafeTensors(metadata: metadata.merging([formatKey: modelFileFormat]) { _, format in format })
        for parameter in parameters { file.append(StoredTensor(parameter.value), named: parameter.name) }
        return file
    }

    /// Writes the parameters to `path` as a safetensors file (``parameterFile(metadata:)``),
    /// atomically: a reader finds the old file or the whole new one. Throws ``CheckpointError``
    /// `unwritable`.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try parameterFile(metadata: metadata).write(to: path)
    }

    /// Replaces every parameter with the one of the same name in the safetensors file at
    /// `path`: a file written by ``save(to:metadata:)``, a ``Trainer`` checkpoint (whose
    /// `parameters/<name>` tensors it reads) or any file that names its tensors as the model
    /// does. Throws ``CheckpointError``, naming the parameter and the shapes, when the file
    /// cannot be read or does not fit the model; then no parameter is changed.
    public mutating func load(from path: String) throws {
        try load(from: SafeTensors(contentsOf: path))
    }

    /// Replaces every parameter with the one of the same name in `file`; as loading from a path does.
    /// A tensor missing (`missing`), of another shape (`shapeMismatch`) or element type
    /// (`dtypeMismatch`), or a tensor that is no parameter of the model (`badEntry`) throws.
    public mutating func load(from file: SafeTensors) throws {
        let isTrainingState = file.metadata[TrainingState<Scalar>.formatKey] == TrainingState<Scalar>.formatValue
        let prefix = isTrainingState ? "parameters/" : ""
        let current = parameters
        let values = try current.map { parameter in
            let stored = prefix + parameter.name
            guard let tensor = file[stored] else {
                throw file.error(.missing, "no tensor \"\(stored)\" for parameter \"\(parameter.name)\" of shape \(parameter.value.shape) of \(layerDescription)")
            }
            guard tensor.shape == parameter.value.shape.dimensions else {
                throw file.error(.shapeMismatch, "parameter \"\(parameter.name)\" has shape \(Shape(tensor.shape)) in the file, the model expects \(parameter.value.shape)")
            }
            return try file.tensor(stored, as: Scalar.self)
        }
        let names = Set(current.map { prefix + $0.name })
        if let extra = file.names.first(where: { $0.hasPrefix(prefix) && !names.contains($0) }) {
            throw file.error(.badEntry, "tensor \"\(extra)\" is no parameter of \(layerDescription) (its parameters: \(current.map(\.name).joined(separator: ", ")))")
        }
        replaceParameters(with: values)
    }
}
