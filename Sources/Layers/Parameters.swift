import Autograd

/// One parameter of a module: its dotted name, its role and its value.
public struct Parameter<Scalar: TensorScalar>: Sendable {
    /// The stable dotted name, such as `block1.conv.weight`.
    public var name: String
    /// What the parameter is for (weight, bias, scale, shift).
    public var role: ParameterRole
    /// The current value.
    public var value: Tensor<Scalar>

    /// A parameter with the given name, role and value.
    public init(name: String, role: ParameterRole, value: Tensor<Scalar>) {
        (self.name, self.role, self.value) = (name, role, value)
    }
}

extension Module {
    /// Runs the module for inference (dropout off). A shape error stops here, at the caller.
    public func callAsFunction(_ input: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape, file: file, line: line)
        var context = ForwardContext.inference
        return self(input, context: &context)
    }
}

extension Parameterized {
    /// Every parameter in visit order, with its name and role.
    public var parameters: [Parameter<Scalar>] {
        var copy = self
        var result: [Parameter<Scalar>] = []
        copy.visitParameters { name, role, value in result.append(Parameter(name: name, role: role, value: value)) }
        return result
    }

    /// The number of scalars in all parameters together.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.elementCount } }

    /// Visits the parameters with `prefix.` in front of each name: how a container forwards a
    /// visit to a child it calls `prefix`.
    public mutating func visitParameters(
        prefixedBy prefix: String, _ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void
    ) {
        visitParameters { name, role, value in visit(prefix + "." + name, role, &value) }
    }

    /// Calls `update` on each parameter together with its entry of `gradient` (one tensor per
    /// parameter, in visit order, of the parameter's shape), with the parameter's index in the
    /// visit order and its role: the step of an optimiser.
    public mutating func updateParameters(
        along gradient: [Tensor<Scalar>], file: StaticString = #fileID, line: UInt = #line,
        _ update: (_ index: Int, _ role: ParameterRole, _ parameter: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) -> Void
    ) {
        let description = layerDescription
        var index = 0
        visitParameters { name, role, value in
            guard index < gradient.count else {
                fatalError("updateParameters: \(gradient.count) tensors for the parameters of \(description), which has more",
                                    file: file, line: line)
            }
            guard gradient[index].shape == value.shape else {
                fatalError("updateParameters: tensor \(index) has shape \(gradient[index].shape) but parameter \(name) has shape \(value.shape)",
                                    file: file, line: line)
            }
            update(index, role, &value, gradient[index])
            index += 1
        }
        guard index == gradient.count else {
            fatalError("updateParameters: \(gradient.count) tensors for the \(index) parameters of \(description)",
                                file: file, line: line)
        }
    }

    /// Replaces every parameter, in visit order, with `values` (same count, same shapes).
    public mutating func replaceParameters(with values: [Tensor<Scalar>], file: StaticString = #fileID, line: UInt = #line) {
        updateParameters(along: values, file: file, line: line) { _, _, parameter, value in parameter = value }
    }

    /// The value of `loss` applied to this module and its gradient with respect to every
    /// parameter, in visit order (``parameters`` gives the names). `loss` receives a copy of the
    /// module whose parameters are being differentiated; it runs the module on a batch and
    /// returns a single-element tensor.
    ///
    /// ```swift
    /// let (loss, gradient) = model.valueWithGradient { model in
    ///     softmaxCrossEntropy(logits: model(images, context: &context), labels: labels)
    /// }
    /// ```
    public func valueWithGradient(
        file: StaticString = #fileID, line: UInt = #line, _ loss: (Self) throws -> Tensor<Scalar>
    ) rethrows -> (value: Tensor<Scalar>, gradient: [Tensor<Scalar>]) {
        try Autograd.valueWithGradient(at: parameters.map(\.value), of: { watched in
            var model = self
            model.replaceParameters(with: watched)
            return try loss(model)
        }, file: file, line: line)
    }
}
