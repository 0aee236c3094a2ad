import Testing
@testable import Autograd

/// A normalisation layout under test: its groups and the input's shape.
struct NormalizationCase: CustomTestStringConvertible, Sendable {
    let groups: NormalizationGroups
    let shape: Shape
    var testDescription: String { "\(groups) of \(shape)" }
}

/// The normalisation written as the composition the layers used before the fused primitive
/// (mean, subtract, square, mean, rsqrt, multiply, then scale and shift), with the statistics.
func composedNormalization<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, over groups: NormalizationGroups, scale: Tensor<Scalar>, shift: Tensor<Scalar>, epsilon: Double = 1e-5
) -> (value: Tensor<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
    let channels = x.shape[x.rank - 1], rows = x.elementCount / channels
    let (view, statistics): (Shape, Shape) = switch groups {
    case .lastAxis: ([rows, 1, 1, channels], Shape(x.shape.dimensions.dropLast()))
    case .channels: ([1, rows, channels, 1], [channels])
    case .channelGroups(let count): ([x.shape[0], rows / x.shape[0], count, channels / count], [x.shape[0], count])
    }
    let grouped = x.reshaped(to: view)
    let mean = grouped.mean(alongAxes: [1, 3], keepingDimensions: true)
    let centered = grouped - mean
    let variance = centered.square().mean(alongAxes: [1, 3], keepingDimensions: true)
    let normalized = (centered * (variance + Scalar(epsilon)).rsqrt()).reshaped(to: x.shape)
    return (normalized * scale + shift, mean.reshaped(to: statistics), variance.reshaped(to: statistics))
}

/// A seeded uniform tensor of `Scalar`.
func seededTensor<Scalar: TensorScalar>(_ shape: Shape, seed: UInt64, in range: Range<Scalar> = -1..<1) -> Tensor<Scalar> {
    var generator = SeededGenerator(seed: seed)
    return Tensor<Scalar>(randomUniform: shape, in: range, using: &generator)
}

/// The value and the gradients (x, γ, β) of ⟨w, f(x, γ, β)⟩ for a seeded weighting w.
func weightedGradients<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ scale: Tensor<Scalar>, _ shift: Tensor<Scalar>,
    _ f: @escaping ([Tensor<Scalar>]) -> Tensor<Scalar>
) -> (value: Tensor<Scalar>, gradients: [Tensor<Scalar>]) {
    let weights: Tensor<Scalar> = seededTensor(x.shape, seed: 99)
    let value = f([x, scale, shift])
    return (value, gradient(at: [x, scale, shift]) { (f($0) * weights).sum() })
}

@Suite("Fused normalisation: the composed formula, statistics, empty batches, threads")
struct NormalizationTests {
    static let cases = [
        NormalizationCase(groups: .lastAxis, shape: [3, 4, 37]),
        NormalizationCase(groups: .channels, shape: [5, 3, 2, 19]),
        NormalizationCase(groups: .channelGroups(4), shape: [3, 3, 2, 20]),
        NormalizationCase(groups: .channelGroups(2), shape: [2, 5, 40]),
    ]

    /// Checks that the fused primitive equals the composition in value, statistics and gradients.
    func expectComposition<Scalar: TensorScalar>(_ row: NormalizationCase, _: Scalar.Type, tolerance: Scalar) {
        let channels: Shape = [row.shape[row.shape.rank - 1]]
        let (x, scale, shift): (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) =
            (seededTensor(row.shape, seed: 1, in: -2..<3), seededTensor(channels, seed: 2), seededTensor(channels, seed: 3))
        let fused = x.normalizedWithStatistics(over: row.groups, scale: scale, shift: shift)
        let composed = composedNormalization(x, over: row.groups, scale: scale, shift: shift)
        for (name, a, b) in [("value", fused.value, composed.value), ("mean", fused.mean, composed.mean),
                             ("variance", fused.variance, composed.variance)] {
            #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: tolerance, relativeTolerance: tolerance), "\(Scalar.self) \(name)")
        }
        let fusedGradients = weightedGradients(x, scale, shift) { $0[0].normalized(over: row.groups, scale: $0[1], shift: $0[2]) }
        let composedGradients = weightedGradients(x, scale, shift) {
            composedNormalization($0[0], over: row.groups, scale: $0[1], shift: $0[2]).value
        }
        for (index, name) in ["x̄", "γ̄", "β̄"].enumerated() {
            let (a, b) = (fusedGradients.gradients[index], composedGradients.gradients[index])
            #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: tolerance, relativeTolerance: tolerance), "\(Scalar.self) \(name)")
        }
    }

    @Test("equals the composed formula (the layers' former path) in value, statistics and gradients, Float and Double",
          arguments: cases)
    func matchesComposition(_ row: NormalizationCase) {
        expectComposition(row, Double.self, tolerance: 1e-12)
        expectComposition(row, Float.self, tolerance: 2e-5)
    }

    /// Checks that the rectified primitive gives the bits of the primitive followed by `relu()`.
    func expectRectifiedEqualsReLU<Scalar: TensorScalar>(_ row: NormalizationCase, _: Scalar.Type) {
        let channels: Shape = [row.shape[row.shape.rank - 1]]
        let (x, scale, shift): (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) =
            (seededTensor(row.shape, seed: 11), seededTensor(channels, seed: 12), seededTensor(channels, seed: 13))
        let fused = weightedGradients(x, scale, shift) { $0[0].normalized(over: row.groups, scale: $0[1], shift: $0[2], rectified: true) }
        let separate = weightedGradients(x, scale, shift) { $0[0].normalized(over: row.groups, scale: $0[1], shift: $0[2]).relu() }
        #expect(fused.value.scalars == separate.value.scalars, "\(Scalar.self) value")
        #expect(fused.value.scalars.contains(0) && fused.value.scalars.contains { $0 > 0 }, "both sides of the kink")
        for (index, name) in ["x̄", "γ̄", "β̄"].enumerated() {
            #expect(fused.gradients[index].scalars == separate.gradients[index].scalars, "\(Scalar.self) \(name)")
        }
    }

    @Test("rectified: the bits of normalized(…).relu() in value and gradients, Float and Double", arguments: cases)
    func rectifiedEqualsReLU(_ row: NormalizationCase) {
        expectRectifiedEqualsReLU(row, Double.self)
        expectRectifiedEqualsReLU(row, Float.self)
    }

    @Test("a large mean does not cancel the variance in Float (shifted sums)")
    func largeMean() {
        let x: Tensor<Float> = seededTensor([4, 75, 4], seed: 5, in: 999..<1001)
        let (ones, zeros) = (Tensor<Float>.ones([4]), Tensor<Float>.zeros([4]))
        for groups in [NormalizationGroups.channels, .channelGroups(2)] {
            let fused = x.normalizedWithStatistics(over: groups, scale: ones, shift: zeros)
            let exact = composedNormalization(Tensor<Double>(x.scalars.map(Double.init), shape: x.shape), over: groups,
                                              scale: .ones([4]), shift: .zeros([4]))
            let variance = Tensor<Double>(fused.variance.scalars.map(Double.init), shape: fused.variance.shape)
            #expect(variance.isApproximatelyEqual(to: exact.variance, absoluteTolerance: 0, relativeTolerance: 1e-4), "\(groups)")
            #expect(exact.variance.scalars.allSatisfy { $0 > 0.2 }, "the variance of U(999, 1001) is 1/3")
        }
    }

    @Test("empty batches: empty outputs and input cotangents, zero scale and shift cotangents")
    func emptyBatches() {
        let (scale, shift) = (Tensor<Double>.ones([4]), Tensor<Double>.zeros([4]))
        for (groups, shape) in [(NormalizationGroups.lastAxis, [0, 4] as Shape), (.channels, [0, 4]),
                                (.channels, [0, 2, 2, 4]), (.channelGroups(2), [0, 2, 2, 4])] {
            let x = Tensor<Double>.zeros(shape)
            let result = x.normalizedWithStatistics(over: groups, scale: scale, shift: shift)
            #expect(result.value.shape == shape)
            #expect(result.mean.scalars.allSatisfy { $0 == 0 } && result.variance.scalars.allSatisfy { $0 == 0 })
            let gradients = gradient(at: [x, scale, shift]) { $0[0].normalized(over: groups, scale: $0[1], shift: $0[2]).sum() }
            #expect(gradients[0].shape == shape)
            #expect(gradients[1] == .zeros([4]) && gradients[2] == .zeros([4]), "\(groups) of \(shape)")
        }
    }

    @Test("bit-identical on 1 and 2 threads for tensors the kernels split", arguments: [
        NormalizationCase(groups: .channels, shape: [64, 8, 8, 16]),
        NormalizationCase(groups: .lastAxis, shape: [2048, 32]),
        NormalizationCase(groups: .channelGroups(4), shape: [32, 8, 8, 32]),
    ])
    func threadCountDoesNotChangeBits(_ row: NormalizationCase) {
        #expect(row.shape.elementCount >= 1 << 16, "large enough to be split across threads")
        let channels: Shape = [row.shape[row.shape.rank - 1]]
        let (x, scale, shift): (Tensor<Float>, Tensor<Float>, Tensor<Float>) =
            (seededTensor(row.shape, seed: 7), seededTensor(channels, seed: 8), seededTensor(channels, seed: 9))
        func run() -> [Tensor<Float>] {
            [false, true].flatMap { rectified in
                let result = weightedGradients(x, scale, shift) {
                    $0[0].normalized(over: row.groups, scale: $0[1], shift: $0[2], rectified: rectified)
                }
                return [result.value] + result.gradients
            }
        }
        let one = withThreadCount(1, run)
        let two = withThreadCount(2, run)
        for (a, b) in zip(one, two) { #expect(a.scalars == b.scalars) }
    }

    @Test("a scale of the wrong length stops naming normalize and both shapes")
    func scaleMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>.zeros([2, 5]).normalized(over: .lastAxis, scale: .ones([4]), shift: .zeros([4]))
        }
        expectMessage(result, contains: ["NormalizationTests.swift:", "normalize: shapes [2, 5] and [4]"])
    }

    @Test("groups that do not divide the channels stop naming both")
    func groupsMustDivide() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>.zeros([2, 3, 6]).normalized(over: .channelGroups(4), scale: .ones([6]), shift: .zeros([6]))
        }
        expectMessage(result, contains: ["normalize: 4 groups must divide the 6 channels of shape [2, 3, 6]"])
    }

    @Test("a Hessian-vector product (the recorded pullback) matches differences of the fused first-order gradients",
          arguments: cases)
    func hessianVectorProduct(_ row: NormalizationCase) {
        let channels: Shape = [row.shape[row.shape.rank - 1]]
        let (x, scale, shift) = (randomTensor(row.shape, seed: 31), randomTensor(channels, seed: 32), randomTensor(channels, seed: 33))
        let (weights, direction) = (randomTensor(row.shape, seed: 34), randomTensor(row.shape, seed: 35))
        /// The gradient in x of a loss that is not linear in y (so that the Hessian has a y part).
        func inputGradient(_ x: Tensor<Double>) -> Tensor<Double> {
            gradient(at: x) { x in (x.normalized(over: row.groups, scale: scale, shift: shift) * weights).square().sum() }
        }
        let hv = gradient(at: x) { x in (inputGradient(x) * direction).sum() }
        let h = 1e-5
        let reference = (inputGradient(x + direction * h) - inputGradient(x - direction * h)) / (2 * h)
        #expect(hv.isApproximatelyEqual(to: reference, absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        #expect(hv.scalars.contains { abs($0) > 1e-2 }, "the product must not vanish")
    }

    @Test("a compiled gradient step (traced with the recorded pullback) replays the fused gradients on new data")
    func compiledStep() {
        func step(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let g = gradient(at: p) { p in
                (data[0].normalized(over: .channelGroups(2), scale: p[0], shift: p[1]) * data[1]).square().sum()
            }
            return (zip(p, g).map { $0 - $1 * 0.1 }, [g[0]])
        }
        var state = [randomTensor([6], seed: 41), randomTensor([6], seed: 42)]
        let batches = (0..<3).map { [randomTensor([2, 3, 6], seed: 50 + UInt64($0)), randomTensor([2, 3, 6], seed: 60 + UInt64($0))] }
        let compiled = CompiledFunction(state: state, inputs: batches[0], step)
        for batch in batches.reversed() {
            let (expected, outputs) = step(state, batch)
            compiled.run(batch)
            #expect(compiled.outputs[0].isApproximatelyEqual(to: outputs[0], absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
            #expect(zip(compiled.currentState, expected).allSatisfy {
                $0.isApproximatelyEqual(to: $1, absoluteTolerance: 1e-12, relativeTolerance: 1e-10)
            })
            state = expected
        }
    }
}
