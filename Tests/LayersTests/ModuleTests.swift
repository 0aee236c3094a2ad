import Autograd
import Layers
import Testing

@Suite("The Module protocol: names, updates, gradients, composition")
struct ModuleTests {
    @Test("nested names are dotted paths; unnamed layers are called by position")
    func names() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            Sequential {
                Dense(inputSize: 3, outputSize: 4, using: &generator).named("dense")
                Activation(.relu)
            }.named("block1")
            Dense(inputSize: 4, outputSize: 2, using: &generator)
        }
        #expect(model.parameters.map(\.name) == ["block1.dense.weight", "block1.dense.bias", "1.weight", "1.bias"])
        #expect(model.parameters.map(\.role) == [.weight, .bias, .weight, .bias])
    }

    @Test("names are stable from one construction to the next and unique")
    func stableNames() {
        func names(seed: UInt64) -> [String] {
            var generator = SeededGenerator(seed: seed)
            return Sequential<Double>.multilayerPerceptron(widths: [5, 4, 4, 3], using: &generator).parameters.map(\.name)
        }
        #expect(names(seed: 1) == names(seed: 2))
        #expect(Set(names(seed: 1)).count == names(seed: 1).count)
    }

    @Test("the builder takes if, if–else and for")
    func builderControlFlow() {
        var generator = SeededGenerator(seed: 1)
        func build(normalise: Bool, smooth: Bool) -> [String] {
            Sequential<Float> {
                for index in 1...2 {
                    Dense(inputSize: 2, outputSize: 2, using: &generator).named("dense\(index)")
                }
                if normalise { Activation(.softmax).named("softmax") }
                if smooth { Activation(.tanh).named("tanh") } else { Activation(.relu).named("relu") }
            }.sublayers.map(\.name)
        }
        #expect(build(normalise: true, smooth: true) == ["dense1", "dense2", "softmax", "tanh"])
        #expect(build(normalise: false, smooth: false) == ["dense1", "dense2", "relu"])
    }

    @Test("updateParameters applies a step to each parameter with its own gradient")
    func updateParameters() {
        var generator = SeededGenerator(seed: 3)
        var model = Sequential<Double>.netbp(using: &generator)
        let before = model.parameters.map(\.value)
        let gradient = before.indices.map { seededTensor(before[$0].shape, seed: UInt64(10 + $0)) }
        var visited: [(Int, ParameterRole)] = []
        model.updateParameters(along: gradient) { index, role, parameter, gradient in
            visited.append((index, role))
            parameter = parameter - 0.1 * gradient
        }
        #expect(visited.map(\.0) == Array(0..<6))
        #expect(visited.map(\.1) == [.weight, .bias, .weight, .bias, .weight, .bias])
        for (after, (old, step)) in zip(model.parameters.map(\.value), zip(before, gradient)) {
            for (a, (o, g)) in zip(after.scalars, zip(old.scalars, step.scalars)) { #expect(abs(a - (o - 0.1 * g)) < 1e-15) }
        }
    }

    @Test("valueWithGradient equals differentiating the parameters directly")
    func gradientHelper() {
        var generator = SeededGenerator(seed: 4)
        let dense = Dense<Double>(inputSize: 3, outputSize: 2, biasInitializer: .gaussian(scale: 1), using: &generator)
        let x = seededTensor([5, 3], seed: 5)
        func loss(_ w: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
            let z = matmul(x, w, transposeB: true) + b
            return (z * z).sum()
        }
        let (value, gradient) = dense.valueWithGradient { loss($0.weight, $0.bias) }
        let direct = Autograd.valueWithGradient(at: dense.weight, dense.bias, of: loss)
        #expect(value == direct.value)
        #expect(gradient == [direct.gradient.0, direct.gradient.1])
        #expect(!value.isRecorded && !gradient[0].isRecorded)
    }

    @Test("replaceParameters sets every parameter in visit order")
    func replaceParameters() {
        var generator = SeededGenerator(seed: 6)
        var model = Sequential<Float>.netbp(using: &generator)
        let replacement = model.parameters.map { Tensor<Float>(repeating: 0.25, shape: $0.value.shape) }
        model.replaceParameters(with: replacement)
        #expect(model.parameters.map(\.value) == replacement)
        #expect(model(Tensor([0.3, 0.7], shape: [1, 2])).shape == [1, 2])
    }

    @Test("a closure layer with a shape rule")
    func lambdaShapes() {
        let rowSums = Lambda<Double>("RowSums", outputShape: { $0.rank == 2 ? [$0[0], 1] : nil }) {
            $0.sum(alongAxes: [1], keepingDimensions: true)
        }
        let x = seededTensor([3, 4], seed: 7)
        #expect(rowSums(x).scalars == x.sum(alongAxes: [1]).scalars)
        #expect(throws: InputShapeError.self) { try rowSums.outputShape(forInputShape: [2, 2, 2]) }
    }
}
