import Autograd
import Layers

extension Optimizer {
    /// Updates the parameters of `model` in place along `gradients` (one per parameter, in
    /// visit order, as ``Parameterized/valueWithGradient(file:line:_:)`` returns them). Weight decay
    /// applies to weights, not to biases, scales or shifts. The model's state (running
    /// statistics) is not touched.
    public mutating func update<Model: Parameterized>(_ model: inout Model, along gradients: [Tensor<Scalar>]) where Model.Scalar == Scalar {
        update(&model, along: gradients, info: model.parameterInfo)
    }

    /// Updates `model` with precomputed `info` (``Parameterized/parameterInfo``), which saves
    /// recomputing the names at every step.
    public mutating func update<Model: Parameterized>(
        _ model: inout Model, along gradients: [Tensor<Scalar>], info: [ParameterInfo]
    ) where Model.Scalar == Scalar {
        var parameters = model.takeParameters()
        update(&parameters, gradients: gradients, info: info)
        model.restoreParameters(parameters)
    }
}

extension Parameterized {
    /// Each parameter's name and whether weight decay applies to it: weights only (not biases,
    /// normalisation scales or shifts).
    public var parameterInfo: [ParameterInfo] {
        parameters.map { ParameterInfo(name: $0.name, isDecayed: $0.role == .weight) }
    }

    /// Moves the parameters out, in visit order, leaving empty tensors behind, so that the
    /// returned tensors are the only references to their storage and can be updated in place.
    mutating func takeParameters() -> [Tensor<Scalar>] {
        var taken: [Tensor<Scalar>] = []
        visitParameters { _, _, value in
            taken.append(value)
            value = Tensor.zeros([0])
        }
        return taken
    }

    /// Puts back parameters taken with ``takeParameters()``.
    mutating func restoreParameters(_ values: [Tensor<Scalar>]) {
        var index = 0
        visitParameters { _, _, value in
            value = values[index]
            index += 1
        }
        guard index == values.count else {
            fatalError("restoreParameters: \(values.count) tensors for \(index) parameters")
        }
    }
}
