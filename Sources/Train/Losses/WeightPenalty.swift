import Autograd
import Layers

/// The L2 weight penalty of seed 004 (8.2): (λ/N) Σ_l ‖W^[l]‖²_F, the sum of squares of every
/// entry of every weight (the seed's ‖W‖₂ read as the Frobenius norm). Its gradient with
/// respect to W is (2λ/N) W. N is the number of training examples, as in (8.2).
public func l2Penalty<Scalar: TensorScalar>(_ weights: [Tensor<Scalar>], lambda: Double, exampleCount: Int) -> Tensor<Scalar> {
    guard exampleCount > 0 else { fatalError("l2Penalty: exampleCount must be positive, not \(exampleCount)") }
    let squares = weights.map { ($0 * $0).sum() }
    guard let first = squares.first else { return Tensor(0) }
    return squares.dropFirst().reduce(first, +).scaled(by: Scalar(lambda / Double(exampleCount)))
}

/// The L2 weight penalty (λ/N) Σ ‖W‖²_F over the parameters of `model` whose role is
/// ``ParameterRole/weight``; biases are left out, as seed 004 (8.2) says they "typically are".
/// Differentiable: call it inside the loss closure, on the model being differentiated.
public func l2Penalty<Model: Parameterized>(of model: Model, lambda: Double, exampleCount: Int) -> Tensor<Model.Scalar> {
    l2Penalty(model.parameters.filter { $0.role == .weight }.map(\.value), lambda: lambda, exampleCount: exampleCount)
}
