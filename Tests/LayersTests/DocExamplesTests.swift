import Autograd
import Layers
import Testing

/// The custom layer of Docs/Layers.md: y = x + f(x) around any layer that keeps the shape.
struct SkipConnection<Body: Module>: Module {
    var body: Body

    func callAsFunction(_ input: Tensor<Body.Scalar>, context: inout ForwardContext) -> Tensor<Body.Scalar> {
        input + body(input, context: &context)
    }

    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Body.Scalar>) -> Void) {
        body.visitParameters(prefixedBy: "body", visit)
    }

    mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Body.Scalar>) -> Void) {
        body.visitState(prefixedBy: "body", visit)
    }

    func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        guard try body.outputShape(forInputShape: shape) == shape else {
            throw InputShapeError(self, expected: "a shape \(body.layerDescription) keeps", actual: shape)
        }
        return shape
    }
}

/// The language model in plain code of Docs/Layers.md: token ids in, next-token logits out.
struct TinyLanguageModel: Parameterized {
    var tokens: Embedding<Float>
    var block: TransformerBlock<Float>
    var head: Dense<Float>

    func callAsFunction(_ ids: Tensor<Int32>) -> Tensor<Float> {
        head(block(tokens(ids)))
    }

    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Float>) -> Void) {
        tokens.visitParameters(prefixedBy: "tokens", visit)
        block.visitParameters(prefixedBy: "block", visit)
        head.visitParameters(prefixedBy: "head", visit)
    }
}

@Suite("The examples of Docs/Layers.md")
struct DocExamplesTests {
    @Test("a custom layer: parameters, names, gradients, summary")
    func customLayer() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Double> {
            SkipConnection(body: Dense(inputSize: 3, outputSize: 3, biasInitializer: .gaussian(scale: 1), using: &generator))
                .named("residual")
            Activation(.tanh)
        }
        #expect(model.parameters.map(\.name) == ["residual.body.weight", "residual.body.bias"])
        let report = checkModuleGradients(model, input: seededTensor([4, 3], seed: 2))
        #expect(report.passes, "\(report)")
        #expect(model.summary(inputShape: [3]).contains("residual  SkipConnection"))
        #expect(throws: InputShapeError.self) {
            try SkipConnection(body: Dense<Double>(inputSize: 3, outputSize: 2, using: &generator)).outputShape(forInputShape: [1, 3])
        }
    }

    @Test("a ResNet block: running statistics move in training and are used in inference")
    func resnetBlock() {
        let images = Tensor<Float>(seededTensor([2, 8, 8, 16], seed: 3).scalars.map(Float.init), shape: [2, 8, 8, 16])
        var generator = SeededGenerator(seed: 1)
        let block = Sequential<Float> {
            Residual(shortcut: Sequential {
                Conv2D(inputChannels: 16, filters: 32, kernelSize: (1, 1), strides: (2, 2), using: &generator)
                BatchNorm(featureCount: 32)
            }, activation: .relu) {
                Conv2D(inputChannels: 16, filters: 32, kernelSize: (3, 3), strides: (2, 2), padding: .same, using: &generator)
                BatchNorm(featureCount: 32, activation: .relu)
                Conv2D(inputChannels: 32, filters: 32, kernelSize: (3, 3), padding: .same, using: &generator)
                BatchNorm(featureCount: 32)
            }.named("block")
            GlobalAvgPool2D()
        }
        let untrained = block(images)
        var context = ForwardContext.training(seed: 2)
        let (_, gradient) = block.valueWithGradient { model in model(images, context: &context).sum() }
        #expect(gradient.count == block.parameters.count)
        #expect(block.state.map(\.name) == ["block.body.1.runningMean", "block.body.1.runningVariance",
                                            "block.body.3.runningMean", "block.body.3.runningVariance",
                                            "block.shortcut.1.runningMean", "block.shortcut.1.runningVariance"])
        #expect(block.state[0].value != Tensor.zeros([32]), "the training call moved the running mean")
        let features = block(images)
        #expect(features.shape == [2, 32] && features != untrained)
    }

    @Test("a language model in plain code: its parameters, gradient and a step that lowers the loss")
    func plainLanguageModel() {
        var generator = SeededGenerator(seed: 4)
        var model = TinyLanguageModel(
            tokens: Embedding(vocabularySize: 10, width: 8, using: &generator),
            block: TransformerBlock(width: 8, headCount: 2, isCausal: true, using: &generator),
            head: Dense(inputSize: 8, outputSize: 10, using: &generator))
        let ids = Tensor<Int32>([3, 1, 4, 1, 5, 9], shape: [1, 6]), next = Tensor<Int32>([1, 4, 1, 5, 9, 2])
        func loss(_ model: TinyLanguageModel) -> Tensor<Float> {
            softmaxCrossEntropy(logits: model(ids).reshaped(to: [6, 10]), labels: next)
        }
        let (before, gradient) = model.valueWithGradient(loss)
        model.updateParameters(along: gradient) { _, _, parameter, gradient in parameter = parameter - 0.05 * gradient }
        #expect(loss(model).scalar < before.scalar)
        #expect(model.parameters.first?.name == "tokens.table" && model.parameters.last?.name == "head.bias")
    }

    @Test("the GPT example: logits for every position, and a next-token loss")
    func gptExample() {
        var generator = SeededGenerator(seed: 5)
        let model = Sequential<Float>.gpt(vocabularySize: 12, contextLength: 8, width: 16, headCount: 4, blockCount: 2,
                                          using: &generator)
        let ids = Tensor<Float>([3, 1, 4, 1, 5, 9, 2, 6], shape: [1, 8])
        let logits = model(ids)                                         // [1, 8, 12]
        let loss = softmaxCrossEntropy(logits: logits[0, ..<7, .all], labels: Tensor<Int32>([1, 4, 1, 5, 9, 2, 6]))
        #expect(logits.shape == [1, 8, 12])
        #expect(loss.scalar > 0 && loss.scalar.isFinite)
    }

    @Test("a step of gradient descent lowers the cost")
    func trainingStep() {
        var generator = SeededGenerator(seed: 42)
        var model = Sequential<Float>.netbp(using: &generator)
        let x = Tensor<Float>([0.1, 0.1], shape: [1, 2]), y = Tensor<Float>([1, 0], shape: [1, 2])
        let (cost, gradient) = model.valueWithGradient { quadraticCost($0(x), y) }
        model.updateParameters(along: gradient) { _, _, parameter, gradient in parameter = parameter - 0.05 * gradient }
        #expect(quadraticCost(model(x), y).scalar < cost.scalar)
    }

    @Test("an L2 penalty on the weights only, through the parameter roles (seed 004 (8.2))")
    func weightPenalty() {
        var generator = SeededGenerator(seed: 3)
        let model = Sequential<Double>.netbp(using: &generator)
        let x = Tensor<Double>([0.7, 0.6], shape: [1, 2]), y = Tensor<Double>([0, 1], shape: [1, 2])
        let λ = 0.01
        let plain = model.valueWithGradient { quadraticCost($0(x), y) }.gradient
        let penalised = model.valueWithGradient { model in
            let weights = model.parameters.filter { $0.role == .weight }.map(\.value)
            let penalty = weights.map { ($0 * $0).sum() }.reduce(Tensor(0), +)
            return quadraticCost(model(x), y) + λ * penalty
        }.gradient
        for (parameter, (a, b)) in zip(model.parameters, zip(penalised, plain)) {
            let expected = parameter.role == .weight ? b + 2 * λ * parameter.value : b
            #expect(a.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15, relativeTolerance: 1e-12), "\(parameter.name)")
        }
    }

    @Test("the CIFAR network written out in Docs/Layers.md is the one cifarCNN builds")
    func cifarWrittenOut() {
        var generator = SeededGenerator(seed: 9)
        let written = Sequential<Float> {
            Sequential {
                Conv2D(inputChannels: 3, filters: 32, kernelSize: (5, 5), padding: .symmetric(2), using: &generator).named("conv")
                MaxPool2D(size: (2, 2), strides: (2, 2)).named("pool")
                Activation(.relu).named("relu")
                Dropout(rate: 0.15).named("dropout")
            }.named("block1")
            Sequential {
                Conv2D(inputChannels: 32, filters: 32, kernelSize: (5, 5), padding: .symmetric(2), activation: .relu,
                       using: &generator).named("conv")
                AvgPool2D(size: (2, 2), strides: (2, 2)).named("pool")
                Dropout(rate: 0.15).named("dropout")
            }.named("block2")
            Sequential {
                Conv2D(inputChannels: 32, filters: 64, kernelSize: (5, 5), padding: .symmetric(2), activation: .relu,
                       using: &generator).named("conv")
                AvgPool2D(size: (2, 2), strides: (2, 2)).named("pool")
                Dropout(rate: 0.15).named("dropout")
            }.named("block3")
            Sequential {
                Conv2D(inputChannels: 64, filters: 64, kernelSize: (4, 4), padding: .valid, activation: .relu,
                       using: &generator).named("conv")
                Dropout(rate: 0.35).named("dropout")
            }.named("block4")
            Sequential {
                Flatten().named("flatten")
                Dense(inputSize: 64, outputSize: 10, using: &generator).named("dense")
            }.named("block5")
        }
        var seeded = SeededGenerator(seed: 9)
        let built = Sequential<Float>.cifarCNN(dropoutRates: [0.15, 0.15, 0.15, 0.35, 0], using: &seeded)
        #expect(written.summary(inputShape: [32, 32, 3]) == built.summary(inputShape: [32, 32, 3]))
        #expect(written.parameters.map(\.name) == built.parameters.map(\.name))
        #expect(written.parameters.map(\.value) == built.parameters.map(\.value))
    }
}
