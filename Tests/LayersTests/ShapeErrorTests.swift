import Autograd
import Foundation
import Layers
import Testing

@Suite("Wrong input shapes stop with the layer's name and both shapes")
struct ShapeErrorTests {
    @Test("first layer of a network")
    func firstLayer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let model = Sequential<Float>.multilayerPerceptron(widths: [3, 4, 2], using: &generator)
            _ = model(Tensor<Float>.zeros([5, 7]))
        }
        expectStop(result, mentions: ["dense1", "Dense(3 → 4, ReLU)", "[batch, 3]", "[5, 7]"])
    }

    @Test("a layer inside, with a training context")
    func innerLayer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let model = Sequential<Float> {
                Sequential {
                    Dense(inputSize: 3, outputSize: 4, using: &generator).named("dense")
                    Dropout(rate: 0.2).named("dropout")
                }.named("block1")
                Dense(inputSize: 5, outputSize: 2, using: &generator).named("output")
            }
            var context = ForwardContext.training(seed: 1)
            _ = model(Tensor<Float>.zeros([2, 3]), context: &context)
        }
        expectStop(result, mentions: ["output", "Dense(5 → 2)", "[batch, 5]", "[2, 4]"])
    }

    @Test("a BatchNorm given another channel count")
    func batchNormChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm<Float>(featureCount: 3)(Tensor<Float>.zeros([2, 4, 4, 5]))
        }
        expectStop(result, mentions: ["BatchNorm(3)", "[batch, …, 3]", "[2, 4, 4, 5]"])
    }

    @Test("a GroupNorm given another channel count")
    func groupNormChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GroupNorm<Float>(groupCount: 2, channelCount: 4)(Tensor<Float>.zeros([2, 6]))
        }
        expectStop(result, mentions: ["GroupNorm(2 groups, 4)", "[batch, …, 4]", "[2, 6]"])
    }

    @Test("global average pooling given a matrix")
    func globalPoolingRank() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GlobalAvgPool2D<Float>()(Tensor<Float>.zeros([2, 6]))
        }
        expectStop(result, mentions: ["GlobalAvgPool2D", "[batch, height ≥ 1, width ≥ 1, channels]", "[2, 6]"])
    }

    @Test("a Residual whose body changes the shape without a projection, and one whose body fails inside")
    func residualShapes() async {
        let mismatch = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let block = Residual<Float> { Conv2D(inputChannels: 3, filters: 4, kernelSize: (1, 1), strides: (2, 2), using: &generator) }
            _ = block(Tensor<Float>.zeros([1, 4, 4, 3]))
        }
        expectStop(mismatch, mentions: ["Residual", "[1, 2, 2, 4]", "[1, 4, 4, 3]"])
        let inner = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Sequential<Float> { Residual { BatchNorm(featureCount: 2).named("norm") }.named("block") }
            _ = model(Tensor<Float>.zeros([1, 3]))
        }
        expectStop(inner, mentions: ["block.body.norm", "BatchNorm(2)", "[1, 3]"])
    }

    @Test("the CIFAR network given a one-channel image")
    func convolutionChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let model = Sequential<Float>.cifarCNN(using: &generator)
            _ = model(Tensor<Float>.zeros([1, 32, 32, 1]))
        }
        expectStop(result, mentions: ["block1.conv", "Conv2D(5×5, 3 → 32, pad 2)", "[batch, height, width, 3]", "[1, 32, 32, 1]"])
    }

    @Test("the CIFAR network given 28 × 28 images: block 4's filter no longer fits")
    func convolutionTooSmall() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Sequential<Float>.cifarCNN(using: &generator).summary(inputShape: [28, 28, 3])
        }
        expectStop(result, mentions: ["block4.conv", "Conv2D(4×4, 64 → 64, ReLU)", "at least 4×4", "[1, 3, 3, 64]"])
    }

    @Test("a pooling window larger than the image")
    func poolingTooSmall() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = AvgPool2D<Float>(size: (3, 3))(Tensor<Float>.zeros([1, 2, 5, 4]))
        }
        expectStop(result, mentions: ["AvgPool2D(3×3, stride 3)", "[batch, height, width, channels]", "[1, 2, 5, 4]"])
    }

    @Test("a layer called on its own")
    func singleLayer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let dense = Dense<Double>(inputSize: 4, outputSize: 2, using: &generator)
            _ = dense(Tensor<Double>.zeros([4]))
        }
        expectStop(result, mentions: ["Dense(4 → 2)", "[batch, 4]", "[4]"])
    }

    @Test("summary of an input the model cannot take")
    func summary() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Sequential<Float>.netbp(using: &generator).summary(inputShape: [3])
        }
        expectStop(result, mentions: ["dense1", "Dense(2 → 2, Sigmoid)", "[batch, 2]", "[1, 3]"])
    }

    @Test("two layers under one name")
    func duplicateNames() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Sequential<Float> {
                Activation(.relu).named("act")
                Activation(.tanh).named("act")
            }
        }
        expectStop(result, mentions: ["Sequential", "\"act\""])
    }
}
