import Autograd
import Layers
import Testing

@Suite("The CIFAR-10 network of seed 004 §7.4")
struct CIFARNetworkTests {
    static func model(inputChannels: Int = 3, dropoutRates: [Double] = [0, 0, 0, 0, 0], seed: UInt64 = 1) -> Sequential<Float> {
        var generator = SeededGenerator(seed: seed)
        return .cifarCNN(inputChannels: inputChannels, dropoutRates: dropoutRates, using: &generator)
    }

    @Test("shape chain 32×32×3 → 16×16×32 → 8×8×32 → 4×4×64 → 1×1×64 → 10")
    func shapeChain() throws {
        var shape: Shape = [7, 32, 32, 3]
        var chain: [Shape] = []
        for (_, block) in Self.model().sublayers {
            shape = try block.outputShape(forInputShape: shape)
            chain.append(shape)
        }
        #expect(chain == [[7, 16, 16, 32], [7, 8, 8, 32], [7, 4, 4, 64], [7, 1, 1, 64], [7, 10]])
    }

    @Test("the layers of each block, in the seed's order")
    func layerOrder() {
        let blocks = Self.model().sublayers.map { name, block in
            "\(name): " + block.sublayers.map(\.module.layerDescription).joined(separator: " → ")
        }
        #expect(blocks == [
            "block1: Conv2D(5×5, 3 → 32, pad 2) → MaxPool2D(2×2, stride 2) → ReLU",
            "block2: Conv2D(5×5, 32 → 32, pad 2, ReLU) → AvgPool2D(2×2, stride 2)",
            "block3: Conv2D(5×5, 32 → 64, pad 2, ReLU) → AvgPool2D(2×2, stride 2)",
            "block4: Conv2D(4×4, 64 → 64, ReLU)",
            "block5: Flatten → Dense(64 → 10)",
        ])
    }

    @Test("145,376 weights + 202 biases = 145,578 parameters, named block1.conv.weight … block5.dense.bias")
    func parameters() {
        let parameters = Self.model().parameters
        func count(_ role: ParameterRole) -> Int { parameters.filter { $0.role == role }.reduce(0) { $0 + $1.value.elementCount } }
        #expect(count(.weight) == 145_376)
        #expect(count(.bias) == 202)
        #expect(Self.model().parameterCount == 145_578)
        #expect(parameters.map(\.name) == (1...4).flatMap { ["block\($0).conv.weight", "block\($0).conv.bias"] }
                + ["block5.dense.weight", "block5.dense.bias"])
        #expect(parameters.map(\.value.shape) == [[5, 5, 3, 32], [32], [5, 5, 32, 32], [32], [5, 5, 32, 64], [64],
                                                  [4, 4, 64, 64], [64], [10, 64], [10]])
    }

    @Test("one input channel for Fashion-MNIST padded to 32 × 32")
    func grayscale() throws {
        let model = Self.model(inputChannels: 1)
        #expect(model.parameters[0].value.shape == [5, 5, 1, 32])
        #expect(model.parameterCount == 145_578 - 5 * 5 * 2 * 32)
        #expect(try model.outputShape(forInputShape: [2, 32, 32, 1]) == [2, 10])
    }

    @Test("dropout rates per block: seed 004's 0.15, 0.15, 0.15, 0.35, 0")
    func dropout() {
        let model = Self.model(dropoutRates: [0.15, 0.15, 0.15, 0.35, 0])
        let endings = model.sublayers.map { $0.module.sublayers.last!.module.layerDescription }
        #expect(endings == ["Dropout(0.15)", "Dropout(0.15)", "Dropout(0.15)", "Dropout(0.35)", "Dense(64 → 10)"])
        #expect(model.parameters.map(\.value) == Self.model().parameters.map(\.value), "dropout draws no parameters")
    }

    @Test("a forward pass on one image: ten finite logits; dropout only acts while training")
    func forward() {
        var generator = SeededGenerator(seed: 2)
        let image = Tensor<Float>(randomUniform: [1, 32, 32, 3], using: &generator)
        let plain = Self.model(), withDropout = Self.model(dropoutRates: [0.15, 0.15, 0.15, 0.35, 0])
        let logits = plain(image)
        #expect(logits.shape == [1, 10])
        #expect(logits.isFinite)
        #expect(withDropout(image) == logits)
        var context = ForwardContext.training(seed: 3)
        #expect(withDropout(image, context: &context) != logits)
    }

    @Test("same seed, same weights; another seed, other weights")
    func seeding() {
        #expect(Self.model(seed: 5).parameters.map(\.value) == Self.model(seed: 5).parameters.map(\.value))
        for (a, b) in zip(Self.model(seed: 5).parameters, Self.model(seed: 6).parameters) where a.role == .weight {
            #expect(a.value != b.value, "\(a.name)")
        }
    }

    @Test("summary: every layer, its output shape and parameter count, and the totals")
    func summary() {
        let rows = Self.model().summary(inputShape: [32, 32, 3]).split(separator: "\n")
            .map { $0.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingPrefix(" ") } }
        let body = rows.filter { $0.count == 4 && $0[0] != "Layer" }.map { [$0[0], $0[2], $0[3]].map(String.init) }
        #expect(body == [
            ["block1.conv", "32 × 32 × 32", "2,432"], ["block1.pool", "16 × 16 × 32", "0"], ["block1.relu", "16 × 16 × 32", "0"],
            ["block2.conv", "16 × 16 × 32", "25,632"], ["block2.pool", "8 × 8 × 32", "0"],
            ["block3.conv", "8 × 8 × 64", "51,264"], ["block3.pool", "4 × 4 × 64", "0"],
            ["block4.conv", "1 × 1 × 64", "65,600"],
            ["block5.flatten", "64", "0"], ["block5.dense", "10", "650"],
        ])
        #expect(rows.last?.joined() == "Total: 145,578 parameters (145,376 weights, 202 biases)")
    }
}
