import Autograd
import Layers
import Testing

@Suite("BatchNorm: batch statistics while training, running statistics in inference, state")
struct BatchNormTests {
    /// γ (x − μ) / √(σ² + ε) + β per channel (the last axis), by plain loops.
    static func normalized(_ x: Tensor<Double>, mean: [Double], variance: [Double], scale: [Double], shift: [Double]) -> [Double] {
        x.scalars.enumerated().map { index, value in
            let channel = index % mean.count
            return scale[channel] * (value - mean[channel]) / (variance[channel] + 1e-5).squareRoot() + shift[channel]
        }
    }

    @Test("training: the batch's statistics; the running ones follow PyTorch (momentum 0.1, unbiased variance)")
    func trainingStep() {
        let norm = seededBatchNorm(3, seed: 1)
        let scale = norm.scale.scalars, shift = norm.shift.scalars
        var expectedMean = norm.runningMean.scalars, expectedVariance = norm.runningVariance.scalars
        var context = ForwardContext.training(seed: 1)
        for step in 0..<2 {
            let x = seededTensor([2, 3, 2, 3], seed: 10 + UInt64(step)) * 3 + 1
            let (mean, variance) = channelStatistics(x)
            let output = norm(x, context: &context)
            #expect(isClose(output.scalars, Self.normalized(x, mean: mean, variance: variance, scale: scale, shift: shift)))
            let m = 12.0  // values per channel
            expectedMean = zip(expectedMean, mean).map { 0.9 * $0 + 0.1 * $1 }
            expectedVariance = zip(expectedVariance, variance).map { 0.9 * $0 + 0.1 * $1 * m / (m - 1) }
            #expect(isClose(norm.runningMean.scalars, expectedMean), "step \(step)")
            #expect(isClose(norm.runningVariance.scalars, expectedVariance), "step \(step)")
        }
        _ = norm(seededTensor([4, 3], seed: 12))  // inference: no update
        #expect(isClose(norm.runningMean.scalars, expectedMean) && isClose(norm.runningVariance.scalars, expectedVariance))
    }

    @Test("inference normalises with the running statistics, not the batch's")
    func inference() {
        let norm = seededBatchNorm(4, seed: 2)
        let x = seededTensor([3, 4], seed: 5)
        let expected = Self.normalized(x, mean: norm.runningMean.scalars, variance: norm.runningVariance.scalars,
                                       scale: norm.scale.scalars, shift: norm.shift.scalars)
        #expect(isClose(norm(x).scalars, expected))
    }

    @Test("the training-mode gradient equals the closed-form BatchNorm backward")
    func closedFormBackward() {
        let norm = seededBatchNorm(4, seed: 3)
        let (n, f) = (6, 4)
        let x = seededTensor([n, f], seed: 6), dy = seededTensor([n, f], seed: 7)
        let (_, gradient) = valueWithGradient(at: [x, norm.scale, norm.shift]) { arguments in
            var model = norm
            model.replaceParameters(with: Array(arguments.dropFirst()))
            var context = ForwardContext.training(seed: 1)
            return (model(arguments[0], context: &context) * dy).sum()
        }
        // x̂ = (x − μ)/σ; dβ = Σ dy; dγ = Σ dy x̂; dx = γ/(m σ) (m dy − Σ dy − x̂ Σ dy x̂).
        let (mean, variance) = channelStatistics(x)
        let scale = norm.scale.scalars, values = x.scalars, upstream = dy.scalars
        let sigma = variance.map { ($0 + 1e-5).squareRoot() }
        let xHat = values.indices.map { (values[$0] - mean[$0 % f]) / sigma[$0 % f] }
        var shiftGradient = [Double](repeating: 0, count: f), scaleGradient = shiftGradient
        for index in values.indices {
            shiftGradient[index % f] += upstream[index]
            scaleGradient[index % f] += upstream[index] * xHat[index]
        }
        let inputGradient = values.indices.map { index in
            let channel = index % f
            return scale[channel] / (Double(n) * sigma[channel])
                * (Double(n) * upstream[index] - shiftGradient[channel] - xHat[index] * scaleGradient[channel])
        }
        #expect(isClose(gradient[0].scalars, inputGradient, tolerance: 1e-10))
        #expect(isClose(gradient[1].scalars, scaleGradient, tolerance: 1e-10))
        #expect(isClose(gradient[2].scalars, shiftGradient, tolerance: 1e-10))
    }

    @Test("a batch with one value per channel, or none, leaves the running statistics as they were")
    func tooSmallBatches() {
        let norm = seededBatchNorm(3, seed: 4)
        let before = norm.state.map(\.value)
        var context = ForwardContext.training(seed: 1)
        _ = norm(seededTensor([1, 3], seed: 8), context: &context)
        _ = norm(Tensor<Double>.zeros([0, 3]), context: &context)
        #expect(norm.state.map(\.value) == before)
    }

    @Test("copies share the running statistics until isolated; state writes never reach another copy")
    func copies() {
        let original = seededBatchNorm(2, seed: 5)
        let before = original.runningMean
        var context = ForwardContext.training(seed: 1)
        let x = seededTensor([4, 2], seed: 9)

        // A write through visitState copies the box first.
        var written = original
        written.replaceState(with: [Tensor([7, 8]), Tensor([1, 1])])
        #expect(original.runningMean == before && written.runningMean == Tensor([7, 8]))

        // A training call on a copy updates the statistics it shares (what valueWithGradient relies on) …
        let shared = original
        _ = shared(x, context: &context)
        #expect(original.runningMean != before && original.runningMean == shared.runningMean)

        // … unless the copy was isolated first.
        let snapshot = original.runningMean
        var isolated = original
        isolated.isolateState()
        _ = isolated(x, context: &context)
        #expect(original.runningMean == snapshot && isolated.runningMean != snapshot)

        // valueWithGradient trains a copy of the model: its statistics reach the model.
        _ = original.valueWithGradient { model in
            var training = ForwardContext.training(seed: 2)
            return model(x, context: &training).sum()
        }
        #expect(original.runningMean != snapshot)
    }

    @Test("state and parameter names through Sequential and Residual; scales and shifts have their roles")
    func namesAndRoles() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            BatchNorm(featureCount: 2).named("norm")
            Residual(shortcut: BatchNorm(featureCount: 2)) {
                Dense(inputSize: 2, outputSize: 2, using: &generator)
                BatchNorm(featureCount: 2).named("bn")
            }.named("block")
        }
        #expect(model.state.map(\.name) == ["norm.runningMean", "norm.runningVariance", "block.body.bn.runningMean",
                                            "block.body.bn.runningVariance", "block.shortcut.runningMean", "block.shortcut.runningVariance"])
        #expect(model.parameters.map(\.name) == ["norm.scale", "norm.shift", "block.body.0.weight", "block.body.0.bias",
                                                 "block.body.bn.scale", "block.body.bn.shift", "block.shortcut.scale", "block.shortcut.shift"])
        #expect(model.parameters.map(\.role) == [.scale, .shift, .weight, .bias, .scale, .shift, .scale, .shift])
        #expect(Dense<Float>(inputSize: 2, outputSize: 2, using: &generator).state.isEmpty)
    }
}

@Suite("GroupNorm, global average pooling and Residual against references")
struct NormalizationReferenceTests {
    @Test("GroupNorm normalises each example's group of channels over all its positions")
    func groupNorm() {
        let (n, positions, c, groups) = (2, 6, 4, 2)
        let norm = seededGroupNorm(groups: groups, c, seed: 1)
        let x = seededTensor([n, 2, 3, c], seed: 2) * 2 + 0.5
        let values = x.scalars, scale = norm.scale.scalars, shift = norm.shift.scalars
        var expected = values
        let width = c / groups
        for example in 0..<n {
            for group in 0..<groups {
                let indices = (0..<positions).flatMap { position in
                    (0..<width).map { (example * positions + position) * c + group * width + $0 }
                }
                let mean = indices.map { values[$0] }.reduce(0, +) / Double(indices.count)
                let variance = indices.map { (values[$0] - mean) * (values[$0] - mean) }.reduce(0, +) / Double(indices.count)
                for index in indices {
                    expected[index] = scale[index % c] * (values[index] - mean) / (variance + 1e-5).squareRoot() + shift[index % c]
                }
            }
        }
        #expect(isClose(norm(x).scalars, expected))
        var training = ForwardContext.training(seed: 1)
        #expect(norm(x, context: &training) == norm(x))
    }

    @Test("global average pooling is average pooling over the whole image")
    func globalAveragePooling() {
        let x = seededTensor([2, 3, 4, 5], seed: 3)
        let whole = AvgPool2D<Double>(size: (3, 4))(x).reshaped(to: [2, 5])
        #expect(isClose(GlobalAvgPool2D<Double>()(x).scalars, whole.scalars))
    }

    @Test("Residual adds the body's output to the input or to the projection's")
    func residual() {
        var generator = SeededGenerator(seed: 4)
        let body = Sequential<Double> { Dense(inputSize: 3, outputSize: 2, using: &generator); Activation(.tanh) }
        let projection = Dense<Double>(inputSize: 3, outputSize: 2, using: &generator)
        let x = seededTensor([4, 3], seed: 5)
        let block = Residual(shortcut: projection) { body }
        #expect(block(x) == body(x) + projection(x))
        let identity = Residual<Double> { Activation(.tanh) }
        #expect(identity(x) == x.tanh() + x)
        #expect(block.layerDescription == "Residual(projection)" && identity.layerDescription == "Residual")
        #expect(throws: InputShapeError.self) { try Residual(shortcut: nil) { body }.outputShape(forInputShape: [1, 3]) }
    }

    /// A training-mode call of `model` on `x` and the gradients (x, then the parameters) of ⟨w, model(x)⟩
    /// for a seeded w.
    static func trainingStep(_ model: any Module<Double>, _ x: Tensor<Double>) -> (value: Tensor<Double>, gradients: [Tensor<Double>]) {
        var context = ForwardContext.training(seed: 1)
        let value = model(x, context: &context)
        let weights = seededTensor(value.shape, seed: 22)
        let gradients = valueWithGradient(at: [x] + model.parameters.map(\.value)) { arguments in
            var copy = model
            copy.replaceParameters(with: Array(arguments.dropFirst()))
            var context = ForwardContext.training(seed: 1)
            return (copy(arguments[0], context: &context) * weights).sum()
        }.gradient
        return (value, gradients)
    }

    /// Checks that `fused` and `separate` give the same bits in a training step (value and
    /// gradients), that the ReLU cut some outputs and passed others, and that there are `count` gradients.
    static func expectSameBits(_ fused: any Module<Double>, _ separate: any Module<Double>, on x: Tensor<Double>, gradients count: Int) {
        let (a, b) = (trainingStep(fused, x), trainingStep(separate, x))
        #expect(a.value.scalars == b.value.scalars && a.value.scalars.contains(0) && a.value.scalars.contains { $0 > 0 })
        #expect(zip(a.gradients, b.gradients).allSatisfy { $0.scalars == $1.scalars } && a.gradients.count == count)
    }

    @Test("activation .relu: the bits of BatchNorm then Activation(.relu) in training (value, gradients, running statistics) and inference",
          arguments: [[6, 5] as Shape, [2, 3, 3, 11]])
    func fusedReLU(_ shape: Shape) {
        let channels = shape[shape.rank - 1]
        let fused = seededBatchNorm(channels, seed: 20, activation: .relu)
        let separate = Sequential<Double> { seededBatchNorm(channels, seed: 20); Activation(.relu) }
        let x = seededTensor(shape, seed: 21)
        Self.expectSameBits(fused, separate, on: x, gradients: 3)
        #expect(fused.runningMean.scalars == separate.state[0].value.scalars
                && fused.runningVariance.scalars == separate.state[1].value.scalars)
        #expect(fused(x).scalars == separate(x).scalars, "inference")
        #expect(fused.layerDescription == "BatchNorm(\(channels), ReLU)")
    }

    @Test("Residual with activation .relu: the bits of the block then Activation(.relu), identity and projection shortcuts")
    func residualReLU() {
        var generator = SeededGenerator(seed: 23)
        let conv = Conv2D<Double>(inputChannels: 3, filters: 3, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
                                  using: &generator)
        let projection = Conv2D<Double>(inputChannels: 3, filters: 3, kernelSize: (1, 1), using: &generator)
        let x = seededTensor([2, 3, 3, 3], seed: 24)
        for shortcut in [nil, projection] as [Conv2D<Double>?] {
            let fused = Residual(shortcut: shortcut, activation: .relu) { conv }
            let separate = Sequential<Double> { Residual(shortcut: shortcut) { conv }; Activation(.relu) }
            Self.expectSameBits(fused, separate, on: x, gradients: shortcut == nil ? 3 : 5)
            #expect(fused.layerDescription == (shortcut == nil ? "Residual(ReLU)" : "Residual(projection, ReLU)"))
        }
    }

    @Test("summary: a row per normalisation layer, scales and shifts counted by role")
    func summary() {
        var generator = SeededGenerator(seed: 6)
        let model = Sequential<Float> {
            Conv2D(inputChannels: 3, filters: 4, kernelSize: (3, 3), padding: .same, using: &generator)
            BatchNorm(featureCount: 4)
            GroupNorm(groupCount: 2, channelCount: 4)
            GlobalAvgPool2D()
        }
        let text = model.summary(inputShape: [5, 5, 3])
        #expect(text.contains("BatchNorm(4)") && text.contains("GroupNorm(2 groups, 4)") && text.contains("GlobalAvgPool2D"))
        #expect(text.hasSuffix("Total: 128 parameters (108 weights, 4 biases, 8 scales, 8 shifts)"))
    }
}
