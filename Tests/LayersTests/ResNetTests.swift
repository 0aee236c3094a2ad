import Autograd
import Layers
import Testing

@Suite("ResNet-20 with BatchNorm, as the peer resnet.py builds it")
struct ResNetTests {
    @Test("272,474 parameters, as the peer prints; weights, biases, scales and shifts by role")
    func parameterCount() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.resNet20(using: &generator)
        #expect(model.parameterCount == 272_474)
        #expect(model.summary(inputShape: [32, 32, 3]).hasSuffix("Total: 272,474 parameters (270,896 weights, 10 biases, 784 scales, 784 shifts)"))
        #expect(model.state.count == 2 * 21, "21 BatchNorm layers, each with a running mean and variance")
        #expect(model.parameters.contains { $0.name == "stage2.block1.residual.shortcut.conv.weight" })
        #expect(!model.parameters.contains { $0.name == "stage1.block1.residual.shortcut.conv.weight" }, "identity shortcut")
        #expect(model.checkedOutputShape(forInputShape: [1, 32, 32, 3]) == [1, 10])
    }

    @Test("other widths, input channels and classes: 1054·w² + (9c + 4k + 98)·w + k parameters", arguments: [(1, 10, 4), (3, 10, 8), (2, 5, 1)])
    func parameterCountFormula(_ channels: Int, _ classes: Int, _ width: Int) {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.resNet20(inputChannels: channels, classCount: classes, width: width, using: &generator)
        #expect(model.parameterCount == 1054 * width * width + (9 * channels + 4 * classes + 98) * width + classes)
        #expect(model.checkedOutputShape(forInputShape: [2, 28, 28, channels]) == [2, classes])
    }

    @Test("a training step on a tiny batch: gradients for every parameter, running statistics moved; inference after")
    func forwardBackward() {
        var generator = SeededGenerator(seed: 2)
        let model = Sequential<Float>.resNet20(using: &generator)
        let images = Tensor<Float>(randomUniform: [2, 4, 4, 3], in: -1..<1, using: &generator)
        let before = model.state.map(\.value)
        var context = ForwardContext.training(seed: 3)
        let (loss, gradient) = model.valueWithGradient { model in
            softmaxCrossEntropy(logits: model(images, context: &context), labels: [1, 7])
        }
        #expect(loss.scalar.isFinite)
        #expect(gradient.count == model.parameters.count)
        for (parameter, g) in zip(model.parameters, gradient) {
            #expect(g.shape == parameter.value.shape && g.scalars.allSatisfy(\.isFinite) && g.scalars.contains { $0 != 0 }, "\(parameter.name)")
        }
        #expect(zip(model.state.map(\.value), before).allSatisfy { $0 != $1 }, "every running statistic moved")
        #expect(model(images).shape == [2, 10])
    }
}
