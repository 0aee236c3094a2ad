import Autograd
import Layers
import Testing

/// A layer, an input for it and a context, as one row of the gradient-check table.
struct LayerCase: CustomTestStringConvertible, Sendable {
    let label: String
    /// The gradient check, the parameter count and whether every parameter's gradient has a
    /// non-zero element (a parameter the forward pass ignores would pass the check trivially).
    let check: @Sendable () -> (report: GradientCheckReport, parameterCount: Int, everyParameterMatters: Bool)

    var testDescription: String { label }

    init(_ label: String, input: Shape, awayFromZero margin: Double = 0, context: ForwardContext = .inference,
         _ make: @escaping @Sendable (inout SeededGenerator) -> any Module<Double>) {
        self.label = label
        check = {
            var generator = SeededGenerator(seed: 42)
            let module = make(&generator)
            let x = seededTensor(input, seed: 7, awayFromZero: margin)
            let report = checkModuleGradients(module, input: x, context: context)
            let gradient = module.valueWithGradient { model in
                var fresh = context
                return (model(x, context: &fresh) * seededTensor(model.checkedOutputShape(forInputShape: input), seed: 8)).sum()
            }.gradient
            return (report, module.parameterCount, gradient.allSatisfy { $0.scalars.contains { $0 != 0 } })
        }
    }
}

/// Every layer type, at small shapes; non-zero biases so that their derivatives matter.
let layerTable: [LayerCase] = [
    LayerCase("Dense", input: [3, 4]) { Dense(inputSize: 4, outputSize: 5, biasInitializer: .gaussian(scale: 1), using: &$0) },
    LayerCase("Dense with its ReLU fused to the bias", input: [3, 4]) {
        Dense(inputSize: 4, outputSize: 5, biasInitializer: .gaussian(scale: 1), activation: .relu, using: &$0)
    },
    LayerCase("Dense with a tanh activation", input: [3, 4]) {
        Dense(inputSize: 4, outputSize: 5, biasInitializer: .gaussian(scale: 1), activation: .tanh, using: &$0)
    },
    LayerCase("Conv2D with its ReLU fused to the bias", input: [2, 4, 4, 2]) {
        Conv2D(inputChannels: 2, filters: 3, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
               activation: .relu, using: &$0)
    },
    LayerCase("Sigmoid", input: [3, 4]) { _ in Activation(.sigmoid) },
    LayerCase("ReLU", input: [3, 4], awayFromZero: 0.05) { _ in Activation(.relu) },
    LayerCase("LeakyReLU", input: [3, 4], awayFromZero: 0.05) { _ in Activation(.leakyRelu(slope: 0.1)) },
    LayerCase("Tanh", input: [3, 4]) { _ in Activation(.tanh) },
    LayerCase("Softmax", input: [3, 4]) { _ in Activation(.softmax) },
    LayerCase("Flatten then Dense", input: [2, 3, 2, 2]) { generator in
        Sequential { Flatten(); Dense(inputSize: 12, outputSize: 3, biasInitializer: .gaussian(scale: 1), using: &generator) }
    },
    LayerCase("Dropout in training mode (fixed mask)", input: [4, 6], context: .training(seed: 3)) { _ in Dropout(rate: 0.4) },
    LayerCase("Lambda", input: [3, 4]) { _ in Lambda("Cube") { $0 * $0 * $0 } },
    LayerCase("Conv2D 3×3, same padding", input: [2, 5, 5, 2]) { generator in
        Conv2D(inputChannels: 2, filters: 3, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
               using: &generator)
    },
    LayerCase("Conv2D 3×2, stride 2, asymmetric padding", input: [2, 6, 5, 2]) { generator in
        Conv2D(inputChannels: 2, filters: 2, kernelSize: (3, 2), strides: (2, 2),
               padding: .explicit(Padding(top: 1, bottom: 0, left: 0, right: 1)), biasInitializer: .gaussian(scale: 1),
               using: &generator)
    },
    LayerCase("Conv2D 2×2, stride 2, same padding on an odd size", input: [1, 5, 5, 3]) { generator in
        Conv2D(inputChannels: 3, filters: 2, kernelSize: (2, 2), strides: (2, 2), padding: .same,
               biasInitializer: .gaussian(scale: 1), using: &generator)
    },
    LayerCase("Conv2D 1×1, stride 2 (a projection shortcut)", input: [2, 5, 5, 3]) { generator in
        Conv2D(inputChannels: 3, filters: 2, kernelSize: (1, 1), strides: (2, 2), biasInitializer: .gaussian(scale: 1),
               using: &generator)
    },
    LayerCase("Conv2D without bias, with its ReLU", input: [2, 4, 4, 2], awayFromZero: 0.05) { generator in
        Conv2D(inputChannels: 2, filters: 3, kernelSize: (3, 3), padding: .same, usesBias: false, activation: .relu, using: &generator)
    },
    LayerCase("BatchNorm in training mode over features [N, F]", input: [5, 3], context: .training(seed: 1)) { _ in
        seededBatchNorm(3, seed: 1)
    },
    LayerCase("BatchNorm in training mode over NHWC channels", input: [2, 3, 2, 3], context: .training(seed: 1)) { _ in
        seededBatchNorm(3, seed: 2)
    },
    LayerCase("BatchNorm in inference mode (running statistics)", input: [2, 2, 2, 3]) { _ in seededBatchNorm(3, seed: 3) },
    LayerCase("BatchNorm with its ReLU, training mode over NHWC channels", input: [2, 3, 2, 3], context: .training(seed: 1)) { _ in
        seededBatchNorm(3, seed: 2, activation: .relu)
    },
    LayerCase("BatchNorm with its ReLU, inference mode", input: [2, 2, 2, 3]) { _ in seededBatchNorm(3, seed: 3, activation: .relu) },
    LayerCase("GroupNorm, 2 groups of 2 channels, NHWC", input: [2, 3, 2, 4]) { _ in seededGroupNorm(groups: 2, 4, seed: 4) },
    LayerCase("GroupNorm, 3 groups over features [N, F]", input: [3, 6]) { _ in seededGroupNorm(groups: 3, 6, seed: 5) },
    LayerCase("GlobalAvgPool2D", input: [2, 3, 2, 3]) { _ in GlobalAvgPool2D() },
    LayerCase("Residual with an identity shortcut, BatchNorm training", input: [2, 4, 4, 2], context: .training(seed: 2)) { generator in
        // BatchNorm before the convolution: right after it the bias would not matter (the mean removes it).
        Residual {
            seededBatchNorm(2, seed: 6)
            Conv2D(inputChannels: 2, filters: 2, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
                   using: &generator)
            Activation(.tanh)
        }
    },
    LayerCase("Residual with a strided 1×1 projection shortcut", input: [2, 4, 4, 2], context: .training(seed: 3)) { generator in
        Residual(shortcut: Sequential {
            seededBatchNorm(2, seed: 7)
            Conv2D(inputChannels: 2, filters: 3, kernelSize: (1, 1), strides: (2, 2), biasInitializer: .gaussian(scale: 1),
                   using: &generator)
        }) {
            Conv2D(inputChannels: 2, filters: 3, kernelSize: (3, 3), strides: (2, 2), padding: .same,
                   biasInitializer: .gaussian(scale: 1), using: &generator)
            Activation(.tanh)
            Conv2D(inputChannels: 3, filters: 3, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
                   using: &generator)
        }
    },
    LayerCase("Residual with its ReLU after the sum", input: [2, 3, 3, 2]) { generator in
        Residual(activation: .relu) {
            Conv2D(inputChannels: 2, filters: 2, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 1),
                   using: &generator)
        }
    },
    LayerCase("MaxPool2D 2×2, stride 2", input: [2, 4, 6, 3]) { _ in MaxPool2D(size: (2, 2)) },
    LayerCase("MaxPool2D 3×3, stride 2, same", input: [1, 5, 5, 2]) { _ in MaxPool2D(size: (3, 3), strides: (2, 2), padding: .same) },
    LayerCase("AvgPool2D 2×2, stride 2", input: [2, 4, 6, 3]) { _ in AvgPool2D(size: (2, 2)) },
    LayerCase("AvgPool2D 3×3, stride 1, pad 1", input: [1, 4, 4, 2]) { _ in AvgPool2D(size: (3, 3), strides: (1, 1), padding: .symmetric(1)) },
    LayerCase("a small CNN: every block type of the CIFAR network", input: [2, 8, 8, 2], context: .training(seed: 5)) { generator in
        Sequential {
            Conv2D(inputChannels: 2, filters: 3, kernelSize: (3, 3), padding: .symmetric(1), biasInitializer: .gaussian(scale: 0.1),
                   using: &generator)
            MaxPool2D(size: (2, 2))
            Activation(.relu)
            Dropout(rate: 0.2)
            Conv2D(inputChannels: 3, filters: 4, kernelSize: (3, 3), padding: .same, biasInitializer: .gaussian(scale: 0.1),
                   using: &generator)
            Activation(.relu)
            AvgPool2D(size: (2, 2))
            Conv2D(inputChannels: 4, filters: 4, kernelSize: (2, 2), biasInitializer: .gaussian(scale: 0.1), using: &generator)
            Activation(.relu)
            Flatten()
            Dense(inputSize: 4, outputSize: 3, biasInitializer: .gaussian(scale: 1), using: &generator)
        }
    },
    LayerCase("GELU (erf form)", input: [3, 4]) { _ in Activation(.gelu) },
    LayerCase("GELU (tanh form)", input: [3, 4]) { _ in Activation(.geluTanh) },
    LayerCase("Dense on a sequence [B, T, in]", input: [2, 3, 4]) {
        Dense(inputSize: 4, outputSize: 5, biasInitializer: .gaussian(scale: 1), activation: .gelu, using: &$0)
    },
    LayerCase("LayerNorm with a random scale and shift", input: [2, 3, 5]) { _ in
        LayerNorm(scale: seededTensor([5], seed: 11) + 1, shift: seededTensor([5], seed: 12))
    },
    LayerCase("PositionalEmbedding on a shorter sequence", input: [2, 3, 4]) {
        PositionalEmbedding(maximumLength: 5, width: 4, using: &$0)
    },
    LayerCase("MultiHeadAttention, 2 heads", input: [2, 4, 6]) {
        MultiHeadAttention(width: 6, headCount: 2, biasInitializer: .gaussian(scale: 1), using: &$0)
    },
    LayerCase("MultiHeadAttention, 3 heads, causal", input: [2, 4, 6]) {
        MultiHeadAttention(width: 6, headCount: 3, isCausal: true, biasInitializer: .gaussian(scale: 1), using: &$0)
    },
    LayerCase("TransformerBlock, causal, with dropout (fixed masks)", input: [2, 3, 4], context: .training(seed: 9)) {
        TransformerBlock(width: 4, headCount: 2, hiddenWidth: 6, isCausal: true, dropoutRate: 0.2, using: &$0)
    },
    LayerCase("LSTM, every step", input: [2, 3, 2]) { LSTM(inputSize: 2, hiddenSize: 3, using: &$0) },
    LayerCase("GRU, last step", input: [2, 3, 2]) { GRU(inputSize: 2, hiddenSize: 3, returning: .lastStep, using: &$0) },
    LayerCase("Sequential MLP", input: [5, 3]) { generator in
        Sequential.multilayerPerceptron(widths: [3, 4, 2], activation: .tanh, outputActivation: .softmax,
                              biasInitializer: .gaussian(scale: 1), using: &generator)
    },
]

@Suite("Gradients through every layer, with respect to input and parameters")
struct LayerGradientTests {
    @Test(arguments: layerTable)
    func derivativesAgree(_ row: LayerCase) {
        let (report, _, everyParameterMatters) = row.check()
        #expect(report.passes, "\(row.label)\n\(report)")
        #expect(everyParameterMatters, "\(row.label): a parameter has a zero gradient")
    }

    @Test("a fused ReLU gives a separate ReLU layer's values and gradients, bit for bit")
    func fusedReluMatchesSeparateLayer() {
        var generator = SeededGenerator(seed: 21)
        let fused = Conv2D<Float>(inputChannels: 2, filters: 3, kernelSize: (3, 3), padding: .same,
                                  biasInitializer: .gaussian(scale: 1), activation: .relu, using: &generator)
        let separate = Sequential<Float> {
            Conv2D(weight: fused.weight, bias: fused.bias, padding: .same)
            Activation(.relu)
        }
        let x = Tensor<Float>(seededTensor([2, 5, 5, 2], seed: 4).scalars.map(Float.init), shape: [2, 5, 5, 2])
        let weights = Tensor<Float>(seededTensor([2, 5, 5, 3], seed: 5).scalars.map(Float.init), shape: [2, 5, 5, 3])
        func loss(_ model: some Module<Float>) -> (value: Tensor<Float>, gradient: [Tensor<Float>]) {
            model.valueWithGradient { model in
                var context = ForwardContext.inference
                return (model(x, context: &context) * weights).sum()
            }
        }
        var context = ForwardContext.inference
        let output = fused(x, context: &context).scalars
        #expect(output.contains(0) && output.contains { $0 > 0 }, "the ReLU must cut some outputs and pass others")
        let (fusedValue, fusedGradient) = loss(fused), (separateValue, separateGradient) = loss(separate)
        #expect(fusedValue == separateValue)
        #expect(fusedGradient.count == 2 && fusedGradient == separateGradient)
    }

    @Test("the Dense check covers its weight and bias")
    func denseCheckCoversParameters() {
        #expect(layerTable[0].check().parameterCount == 4 * 5 + 5)
    }
}
