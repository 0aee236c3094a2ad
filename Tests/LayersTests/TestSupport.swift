import Autograd
import Layers

/// A seeded Double tensor, uniform in [−1, 1), with every element pushed at least `margin` away
/// from zero (to keep finite differences off the kinks of ReLU and max pooling).
func seededTensor(_ shape: Shape, seed: UInt64, awayFromZero margin: Double = 0) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    let uniform = Tensor<Double>(randomUniform: shape, in: -1..<1, using: &generator)
    return Tensor(uniform.scalars.map { $0 + ($0 < 0 ? -margin : margin) }, shape: shape)
}

/// Checks the derivatives of `module` with respect to its input and to every parameter,
/// running it with a fresh copy of `context` at every evaluation (so dropout masks repeat).
func checkModuleGradients<M: Module>(
    _ module: M, input: Tensor<Double>, context: ForwardContext = .inference
) -> GradientCheckReport where M.Scalar == Double {
    checkGradients(of: { arguments in
        var model = module
        model.replaceParameters(with: Array(arguments.dropFirst()))
        var fresh = context
        return model(arguments[0], context: &fresh)
    }, at: [input] + module.parameters.map(\.value))
}
