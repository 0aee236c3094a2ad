import Autograd
import Testing
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

/// Checks that the standard error of a stopped child process (an exit test) mentions every fragment.
func expectStop(_ result: ExitTest.Result?, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return }  // the exit expectation itself already failed
    let message = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(message.contains(fragment), "\"\(fragment)\" missing from: \(message)", sourceLocation: sourceLocation)
    }
}
