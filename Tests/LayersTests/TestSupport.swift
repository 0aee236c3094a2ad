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

/// A BatchNorm over `count` channels with seeded scale (in [0.5, 2.5)) and shift, and seeded
/// running statistics (variance in [0.5, 2.5)), so that no value is the trivial 0 or 1.
func seededBatchNorm(_ count: Int, seed: UInt64, momentum: Double = 0.1,
                     activation: Activation<Double>.Function? = nil) -> BatchNorm<Double> {
    var norm = BatchNorm<Double>(featureCount: count, momentum: momentum, activation: activation)
    norm.replaceParameters(with: [seededTensor([count], seed: seed) + 1.5, seededTensor([count], seed: seed + 1)])
    norm.replaceState(with: [seededTensor([count], seed: seed + 2), seededTensor([count], seed: seed + 3) + 1.5])
    return norm
}

/// A GroupNorm of `groups` groups over `count` channels with seeded scale and shift.
func seededGroupNorm(groups: Int, _ count: Int, seed: UInt64) -> GroupNorm<Double> {
    var norm = GroupNorm<Double>(groupCount: groups, channelCount: count)
    norm.replaceParameters(with: [seededTensor([count], seed: seed) + 1.5, seededTensor([count], seed: seed + 1)])
    return norm
}

/// The mean and the biased variance of each channel (the last axis) of `x`, by plain loops.
func channelStatistics(_ x: Tensor<Double>) -> (mean: [Double], variance: [Double]) {
    let channels = x.shape.last!, values = x.scalars
    let count = Double(values.count / channels)
    var mean = [Double](repeating: 0, count: channels), variance = mean
    for (index, value) in values.enumerated() { mean[index % channels] += value / count }
    for (index, value) in values.enumerated() {
        let deviation = value - mean[index % channels]
        variance[index % channels] += deviation * deviation / count
    }
    return (mean, variance)
}

/// Whether `a` and `b` agree element by element within `tolerance`.
func isClose(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}
