import Autograd
import Layers

extension Module {
    /// The parameters as a PyTorch `state_dict` in safetensors: under PyTorch's names and in its
    /// layouts, so that `model.load_state_dict(safetensors.torch.load_file(path))` loads them
    /// into the PyTorch twin of this model.
    ///
    /// Conv2D filters go from our [kh, kw, cin, cout] to PyTorch's [cout, cin, kh, kw]; the
    /// weight of the first Dense layer after a Flatten of images has its columns reordered from
    /// our H, W, C order (NHWC images) to PyTorch's C, H, W (NCHW); other Dense weights are
    /// [out, in] in both, and biases the same. `inputShape` is one example's shape (NHWC,
    /// without the batch axis), from which the shapes before each Flatten follow. `names` maps
    /// our layer or parameter names to PyTorch's (`["conv1": "features.0"]`); the longest entry
    /// that selects a parameter renames it, and the others keep our names, which are PyTorch's
    /// when both models are sequences of the same layers without names (`"0.weight"`). Layers
    /// inside a container that is not a chain are copied as they are.
    public func pyTorchStateDict(inputShape: Shape, names: [String: String] = [:],
                                 file: StaticString = #fileID, line: UInt = #line) -> SafeTensors {
        var stateDict = SafeTensors()
        for (entry, parameter) in zip(pyTorchEntries(inputShape: inputShape, names: names, file: file, line: line), parameters) {
            stateDict.append(StoredTensor(entry.exported(parameter.value)), named: entry.theirs, file: file, line: line)
        }
        return stateDict
    }

    /// Writes ``pyTorchStateDict(inputShape:names:file:line:)`` to `path`, atomically.
    public func savePyTorchStateDict(to path: String, inputShape: Shape, names: [String: String] = [:],
                                     file: StaticString = #fileID, line: UInt = #line) throws {
        try pyTorchStateDict(inputShape: inputShape, names: names, file: file, line: line).write(to: path)
    }

    /// Replaces every parameter with its counterpart in a PyTorch `state_dict`, converted to our
    /// layouts: the inverse of ``pyTorchStateDict(inputShape:names:file:line:)``, with the same
    /// `inputShape` and `names`. Every tensor is checked before any parameter is replaced:
    /// missing (`missing`), of another shape than the model needs in PyTorch's layout
    /// (`shapeMismatch`) or element type (`dtypeMismatch`), or no parameter of the model
    /// (`badEntry`) throws ``CheckpointError``, naming PyTorch's and our name and the shapes.
    public mutating func loadPyTorchStateDict(_ stateDict: SafeTensors, inputShape: Shape, names: [String: String] = [:],
                                              file: StaticString = #fileID, line: UInt = #line) throws {
        let entries = pyTorchEntries(inputShape: inputShape, names: names, file: file, line: line)
        let values = try zip(entries, parameters).map { entry, parameter in
            let expected = entry.theirShape(for: parameter.value.shape)
            guard let stored = stateDict[entry.theirs] else {
                throw stateDict.error(.missing, "no tensor \"\(entry.theirs)\" of shape \(expected) for parameter \"\(entry.ours)\"")
            }
            guard stored.shape == expected.dimensions else {
                throw stateDict.error(.shapeMismatch, "tensor \"\(entry.theirs)\" has shape \(Shape(stored.shape)), but parameter \"\(entry.ours)\" of shape \(parameter.value.shape) needs \(expected) in PyTorch's layout")
            }
            return entry.imported(try stateDict.tensor(entry.theirs, as: Scalar.self))
        }
        let known = Set(entries.map(\.theirs))
        if let extra = stateDict.names.first(where: { !known.contains($0) }) {
            throw stateDict.error(.badEntry, "tensor \"\(extra)\" is no parameter of \(layerDescription) (expected: \(entries.map(\.theirs).joined(separator: ", ")))")
        }
        replaceParameters(with: values, file: file, line: line)
    }

    /// Reads the PyTorch `state_dict` at `path` (safetensors) into the parameters; see
    /// ``loadPyTorchStateDict(_:inputShape:names:file:line:)``.
    public mutating func loadPyTorchStateDict(from path: String, inputShape: Shape, names: [String: String] = [:],
                                              file: StaticString = #fileID, line: UInt = #line) throws {
        try loadPyTorchStateDict(SafeTensors(contentsOf: path), inputShape: inputShape, names: names, file: file, line: line)
    }
}
