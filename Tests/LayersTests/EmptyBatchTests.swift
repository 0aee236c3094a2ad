import Autograd
import Layers
import Testing

/// The output of `model` on a batch of no examples of `exampleShape` (in training mode), and the
/// gradient of its sum with respect to every parameter, computed right after NaN-filled tensors
/// of every parameter's shape were freed (an unwritten gradient would show their NaNs).
private func emptyBatchRun(_ model: some Module<Float>, exampleShape: [Int]) -> (output: Shape, gradients: [Tensor<Float>]) {
    for parameter in model.parameters {
        for _ in 0..<4 { _ = Tensor<Float>(repeating: .nan, shape: parameter.value.shape).scalars }
    }
    var context = ForwardContext.training(seed: 1)
    var output = Shape([])
    let (_, gradients) = model.valueWithGradient { model in
        let y = model(Tensor<Float>.zeros(Shape([0] + exampleShape)), context: &context)
        output = y.shape
        return y.sum()
    }
    return (output, gradients)
}

@Suite("Every layer on a batch of no examples: an empty output and zero gradients")
struct EmptyBatchTests {
    static func dense(_ activation: Activation<Float>.Function?) -> any Module<Float> {
        var generator = SeededGenerator(seed: 1)
        return Dense<Float>(inputSize: 3, outputSize: 2, activation: activation, using: &generator)
    }

    static func convolution(_ padding: PaddingMode, _ activation: Activation<Float>.Function?) -> any Module<Float> {
        var generator = SeededGenerator(seed: 2)
        return Conv2D<Float>(inputChannels: 3, filters: 4, kernelSize: (3, 3), padding: padding, activation: activation,
                             using: &generator)
    }

    static var embedding: any Module<Float> {
        var generator = SeededGenerator(seed: 4)
        return Embedding<Float>(vocabularySize: 7, width: 3, using: &generator)
    }

    static var positionalEmbedding: any Module<Float> {
        var generator = SeededGenerator(seed: 5)
        return PositionalEmbedding<Float>(maximumLength: 6, width: 3, using: &generator)
    }

    static var attention: any Module<Float> {
        var generator = SeededGenerator(seed: 6)
        return MultiHeadAttention<Float>(width: 6, headCount: 2, isCausal: true, using: &generator)
    }

    static var transformerBlock: any Module<Float> {
        var generator = SeededGenerator(seed: 7)
        return TransformerBlock<Float>(width: 6, headCount: 3, hiddenWidth: 8, isCausal: true, dropoutRate: 0.1, using: &generator)
    }

    static var lstm: any Module<Float> {
        var generator = SeededGenerator(seed: 8)
        return LSTM<Float>(inputSize: 3, hiddenSize: 5, using: &generator)
    }

    static var gru: any Module<Float> {
        var generator = SeededGenerator(seed: 9)
        return GRU<Float>(inputSize: 3, hiddenSize: 5, returning: .lastStep, using: &generator)
    }

    @Test("each layer alone")
    func layers() {
        var generator = SeededGenerator(seed: 4)
        let cases: [(module: any Module<Float>, example: [Int], output: [Int])] = [
            (Self.dense(nil), [3], [0, 2]), (Self.dense(.relu), [3], [0, 2]), (Self.dense(.sigmoid), [3], [0, 2]),
            (Self.convolution(.valid, nil), [6, 6, 3], [0, 4, 4, 4]), (Self.convolution(.same, .relu), [6, 6, 3], [0, 6, 6, 4]),
            (MaxPool2D<Float>(size: (2, 2)), [6, 6, 3], [0, 3, 3, 3]), (AvgPool2D<Float>(size: (2, 2)), [6, 6, 3], [0, 3, 3, 3]),
            (Flatten<Float>(), [6, 6, 3], [0, 108]), (Dropout<Float>(rate: 0.5), [5], [0, 5]),
            (Activation<Float>(.softmax), [5], [0, 5]), (Activation<Float>(.tanh), [5], [0, 5]),
            (Activation<Float>(.leakyRelu(slope: 0.1)), [5], [0, 5]),
            (BatchNorm<Float>(featureCount: 3), [6, 6, 3], [0, 6, 6, 3]), (BatchNorm<Float>(featureCount: 5), [5], [0, 5]),
            (GroupNorm<Float>(groupCount: 2, channelCount: 4), [3, 3, 4], [0, 3, 3, 4]),
            (GlobalAvgPool2D<Float>(), [6, 6, 3], [0, 3]),
            (Sequential<Float>.resNet20(inputChannels: 2, classCount: 3, using: &generator), [8, 8, 2], [0, 3]),
            (Residual(shortcut: Self.convolution(.same, nil)) { Self.convolution(.same, .relu); BatchNorm<Float>(featureCount: 4) },
             [6, 6, 3], [0, 6, 6, 4]),
            (Activation<Float>(.gelu), [5], [0, 5]),
            (Self.dense(.geluTanh), [4, 3], [0, 4, 2]), (LayerNorm<Float>(width: 5), [3, 5], [0, 3, 5]),
            (Self.embedding, [4], [0, 4, 3]), (Self.positionalEmbedding, [4, 3], [0, 4, 3]),
            (Self.attention, [4, 6], [0, 4, 6]), (Self.transformerBlock, [4, 6], [0, 4, 6]),
            (Self.lstm, [4, 3], [0, 4, 5]), (Self.gru, [4, 3], [0, 5]),
        ]
        for (module, example, expected) in cases {
            let (output, gradients) = emptyBatchRun(module, exampleShape: example)
            #expect(output == Shape(expected), "\(module.layerDescription)")
            for (parameter, gradient) in zip(module.parameters, gradients) {
                #expect(gradient.shape == parameter.value.shape && gradient.scalars.allSatisfy { $0 == 0 },
                        "\(module.layerDescription) \(parameter.name): \(gradient.scalars.prefix(4))")
            }
        }
    }

    @Test("an MLP, the CIFAR-10 network with dropout and a small GPT")
    func networks() {
        var generator = SeededGenerator(seed: 3)
        let mlp = Sequential<Float>.multilayerPerceptron(widths: [7, 5, 3], using: &generator)
        let cnn = Sequential<Float>.cifarCNN(inputChannels: 1, dropoutRates: [0.15, 0.15, 0.15, 0.35, 0], using: &generator)
        let gpt = Sequential<Float>.gpt(vocabularySize: 5, contextLength: 4, width: 4, headCount: 2, blockCount: 1, dropoutRate: 0.1,
                                        using: &generator)
        for (model, exampleShape, expected) in [(mlp, [7], [0, 3]), (cnn, [32, 32, 1], [0, 10]), (gpt, [3], [0, 3, 5])] {
            let (output, gradients) = emptyBatchRun(model, exampleShape: exampleShape)
            #expect(output == Shape(expected))
            #expect(gradients.count == model.parameters.count)
            for (parameter, gradient) in zip(model.parameters, gradients) {
                #expect(gradient.shape == parameter.value.shape && gradient.scalars.allSatisfy { $0 == 0 }, "\(parameter.name)")
            }
        }
    }
}
