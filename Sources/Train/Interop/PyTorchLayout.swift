import Autograd
import Layers

/// How one of our parameters is stored in a PyTorch `state_dict`: under which name, and how its
/// layout differs from ours.
struct PyTorchEntry {
    /// How a tensor's layout differs between PyTorch and us.
    enum Conversion {
        /// The same layout: biases, and dense weights (both [out, in]).
        case none
        /// A convolution filter: ours [kh, kw, cin, cout] (HWIO), PyTorch's [cout, cin, kh, kw] (OIHW).
        case filter
        /// The weight of a dense layer whose input was flattened from [height, width, channels]:
        /// its columns follow our H, W, C order, PyTorch's C, H, W order (of NCHW images).
        case flattenedInput(height: Int, width: Int, channels: Int)
    }

    /// Our dotted name.
    var ours: String
    /// PyTorch's name.
    var theirs: String
    var conversion: Conversion

    /// `value` (ours) in PyTorch's layout.
    func exported<Scalar: TensorScalar>(_ value: Tensor<Scalar>) -> Tensor<Scalar> { rearranged(value, toPyTorch: true) }

    /// `value` (PyTorch's, of ``theirShape(for:)``) in our layout.
    func imported<Scalar: TensorScalar>(_ value: Tensor<Scalar>) -> Tensor<Scalar> { rearranged(value, toPyTorch: false) }

    /// `value` with its axes permuted from our layout to PyTorch's, or back.
    private func rearranged<Scalar: TensorScalar>(_ value: Tensor<Scalar>, toPyTorch: Bool) -> Tensor<Scalar> {
        switch conversion {
        case .none:
            return value
        case .filter:
            return value.transposed(permutation: toPyTorch ? [3, 2, 0, 1] : [2, 3, 1, 0])
        case let .flattenedInput(height, width, channels):
            let axes = toPyTorch ? [value.shape[0], height, width, channels] : [value.shape[0], channels, height, width]
            return value.reshaped(to: axes).transposed(permutation: toPyTorch ? [0, 3, 1, 2] : [0, 2, 3, 1]).reshaped(to: value.shape)
        }
    }

    /// The shape PyTorch stores a parameter of our `shape` with.
    func theirShape(for shape: Shape) -> Shape {
        switch conversion {
        case .none, .flattenedInput: shape
        case .filter: [shape[3], shape[2], shape[0], shape[1]]
        }
    }
}

extension Module {
    /// Where each parameter, in visit order, goes in a PyTorch `state_dict`, for inputs of one
    /// example of `inputShape` (NHWC without the batch axis). `names` maps our layer or parameter
    /// names to PyTorch's; the longest entry that selects a parameter renames that part of its
    /// name, and a parameter that none selects keeps its name.
    func pyTorchEntries(inputShape: Shape, names: [String: String], file: StaticString, line: UInt) -> [PyTorchEntry] {
        var entries: [PyTorchEntry] = []
        var flattened: (height: Int, width: Int, channels: Int)?
        func walk(_ module: any Module<Scalar>, prefix: String, shape: Shape) -> Shape {
            guard module.sublayers.isEmpty else {
                return module.sublayers.reduce(shape) { shape, part in walk(part.module, prefix: prefix + part.name + ".", shape: shape) }
            }
            let output = module.checkedOutputShape(forInputShape: shape, operation: "PyTorch state_dict", file: file, line: line)
            var weightConversion = PyTorchEntry.Conversion.none
            switch module {
            case is Conv2D<Scalar>: weightConversion = .filter
            case is Dense<Scalar>: weightConversion = flattened.map { .flattenedInput(height: $0.height, width: $0.width, channels: $0.channels) } ?? .none
            default: break
            }
            for parameter in module.parameters {
                let name = prefix + parameter.name
                let conversion = parameter.name == "weight" ? weightConversion : .none
                entries.append(PyTorchEntry(ours: name, theirs: Self.pyTorchName(name, names), conversion: conversion))
            }
            if module is Flatten<Scalar>, shape.rank == 4 {
                flattened = (shape[1], shape[2], shape[3])
            } else if output != shape || !module.parameters.isEmpty {
                flattened = nil
            }
            return output
        }
        _ = walk(self, prefix: "", shape: Shape([1] + inputShape.dimensions))
        return entries
    }

    /// PyTorch's name for our parameter `name`, through the longest entry of `names` that selects it.
    private static func pyTorchName(_ name: String, _ names: [String: String]) -> String {
        guard let prefix = names.keys.filter({ name.lies(under: $0) }).max(by: { $0.count < $1.count }) else { return name }
        return names[prefix]! + name.dropFirst(prefix.count)
    }
}
