import Autograd

// Whole Jacobians assembled from the tape's two modes, for checking closed forms: J has one row
// per output element and one column per input element (the inputs flattened and concatenated
// in order), numerator layout as seed 002 writes it.

/// The tensor of `shape` that is 1 at row-major position `index` and 0 elsewhere.
func basisTensor(_ shape: Shape, _ index: Int) -> Tensor<Double> {
    var tensor = Tensor<Double>.zeros(shape)
    tensor.withUnsafeMutableBufferPointer { $0[index] = 1 }
    return tensor
}

/// J built row by row in reverse mode: row i is the pullback of the basis cotangent eᵢ (Jᵀeᵢ).
func jacobianByRows(of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>]) -> [[Double]] {
    let (value, pullback) = valueWithPullback(at: inputs, of: f)
    return (0..<value.elementCount).map { i in pullback(basisTensor(value.shape, i)).flatMap(\.scalars) }
}

/// J built column by column in forward mode: column j is the pushforward of the basis tangent
/// eⱼ of one input element (J eⱼ).
func jacobianByColumns(of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>]) -> [[Double]] {
    let (value, pushforward) = valueWithPushforward(at: inputs, of: f)
    let columns = inputs.indices.flatMap { input in
        (0..<inputs[input].elementCount).map { element in
            pushforward(inputs.indices.map { $0 == input ? basisTensor(inputs[$0].shape, element) : .zeros(inputs[$0].shape) })
                .scalars
        }
    }
    return (0..<value.elementCount).map { row in columns.map { $0[row] } }
}
