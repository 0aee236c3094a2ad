import Autograd

/// One state tensor of a module (see ``Parameterized/visitState(_:)``): its dotted name and its value.
public struct StateTensor<Scalar: TensorScalar>: Sendable {
    /// The stable dotted name, such as `block1.norm.runningMean`.
    public var name: String
    /// The current value.
    public var value: Tensor<Scalar>

    /// A state tensor with the given name and value.
    public init(name: String, value: Tensor<Scalar>) { (self.name, self.value) = (name, value) }
}

extension Parameterized {
    /// Every state tensor in visit order, with its name (empty for a model without state).
    public var state: [StateTensor<Scalar>] {
        var copy = self
        var result: [StateTensor<Scalar>] = []
        copy.visitState { name, value in result.append(StateTensor(name: name, value: value)) }
        return result
    }

    /// Visits the state with `prefix.` in front of each name: how a container forwards a visit
    /// to a child it calls `prefix`.
    public mutating func visitState(prefixedBy prefix: String, _ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {
        visitState { name, value in visit(prefix + "." + name, &value) }
    }

    /// Replaces every state tensor, in visit order, with `values` (same count, same shapes).
    public mutating func replaceState(with values: [Tensor<Scalar>], file: StaticString = #fileID, line: UInt = #line) {
        let description = layerDescription
        var index = 0
        visitState { name, value in
            guard index < values.count, values[index].shape == value.shape else {
                fatalError("replaceState: \(values.count) tensors for the state of \(description); state \(name) has shape \(value.shape)"
                           + (index < values.count ? ", tensor \(index) has shape \(values[index].shape)" : ""),
                           file: file, line: line)
            }
            value = values[index]
            index += 1
        }
        guard index == values.count else {
            fatalError("replaceState: \(values.count) tensors for the \(index) state tensors of \(description)", file: file, line: line)
        }
    }

    /// Gives this value state of its own: afterwards no copy of the model made before shares
    /// running statistics with it, so training this value leaves those copies as they were
    /// (see ``BatchNorm`` on why copies share them until then).
    public mutating func isolateState() { visitState { _, _ in } }
}
