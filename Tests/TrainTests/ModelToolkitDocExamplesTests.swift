import Autograd
import Foundation
import Layers
import Testing
import Train

/// The examples of Docs/Training.md and Docs/Data.md on freezing, saving models and PyTorch
/// interchange, with tiny in-memory data.
@Suite("Doc examples: parameter groups, saving models, PyTorch")
struct ModelToolkitDocExamplesTests {
    /// A small CNN with layers `conv` and `output`, and eight 6×6 images.
    static func convolutionalSetup() -> (model: Sequential<Float>, images: ImageDataset) {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            Conv2D(inputChannels: 1, filters: 2, kernelSize: (3, 3), activation: .relu, using: &generator).named("conv")
            MaxPool2D(size: (2, 2))
            Flatten()
            Dense(inputSize: 2 * 2 * 2, outputSize: 3, using: &generator).named("output")
        }
        let images = ImageDataset(images: Tensor(randomUniform: [8, 6, 6, 1], using: &generator),
                                  labels: (0..<8).map { $0 % 3 }, classCount: 3)
        return (model, images)
    }

    @Test("Training.md: fine-tuning with a frozen layer and a faster head")
    func parameterGroups() throws {
        let (model, images) = Self.convolutionalSetup()
        var trainer = Trainer(model: model, optimizer: Adam<Float>.adamW(learningRate: 1e-3, weightDecay: 0.01),
                              loss: .softmaxCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.parameterGroups = [
            .frozen(["conv"]),                                                  // conv.weight, conv.bias
            ParameterGroup(["output"], learningRateScale: 10, weightDecay: .decoupled(0)),
        ]
        try trainer.fit(training: images, epochs: 2, batchSize: 4)             // conv.* bit-identical

        let (before, after) = (model.parameters, trainer.model.parameters)
        #expect(before[0].value == after[0].value && before[1].value == after[1].value)
        #expect(before[2].value != after[2].value && before[3].value != after[3].value)
        #expect(trainer.runSettings["parameter groups"] == "frozen conv; output ×10.0 decay decoupled(0.0)")
    }

    @Test("Data.md: saving a model and loading it, or a trainer's checkpoint, into another")
    func saveAndLoad() throws {
        let folder = NSTemporaryDirectory() + "ModelToolkitDocExamples-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func makeClassifier() -> Sequential<Float> { smallClassifier(seed: 9) }
        var model = smallClassifier(seed: 2)
        var trainer = Trainer(model: model, optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: separablePoints(count: 4, seed: 1), epochs: 1, batchSize: 4)
        try trainer.saveCheckpoint(to: folder + "/run.safetensors")
        model = smallClassifier(seed: 3)

        try model.save(to: folder + "/classifier.safetensors", metadata: ["dataset": "tiny"])

        var restored = makeClassifier()                                   // the same layers, any values
        try restored.load(from: folder + "/classifier.safetensors")
        #expect(restored.parameters.map(\.value) == model.parameters.map(\.value))
        try restored.load(from: folder + "/run.safetensors")              // a Trainer checkpoint
        #expect(restored.parameters.map(\.value) == trainer.model.parameters.map(\.value))
    }

    @Test("Data.md: a PyTorch CNN loaded, run and exported")
    func pyTorch() throws {
        let folder = NSTemporaryDirectory() + "ModelToolkitDocExamples-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = SeededGenerator(seed: 1)
        let path = try fixture("pytorch-cnn.safetensors")
        let io = try SafeTensors(contentsOf: fixture("pytorch-cnn-io.safetensors"))
        let imagesNCHW: Tensor<Float> = try io.tensor("input")

        var model = Sequential<Float> {
            Conv2D(inputChannels: 2, filters: 4, kernelSize: (3, 2), activation: .relu, using: &generator).named("conv1")
            Conv2D(inputChannels: 4, filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu, using: &generator).named("conv2")
            MaxPool2D(size: (2, 2))
            Flatten()
            Dense(inputSize: 18, outputSize: 5, using: &generator).named("output")
        }
        // PyTorch: Sequential(Conv2d(2, 4, (3, 2)), ReLU(), Conv2d(4, 3, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(18, 5))
        let names = ["conv1": "0", "conv2": "2", "output": "6"]
        try model.loadPyTorchStateDict(from: path, inputShape: [6, 8, 2], names: names)
        let logits = model(imagesNCHW.transposed(permutation: [0, 2, 3, 1]))
        try model.savePyTorchStateDict(to: folder + "/for-pytorch.safetensors", inputShape: [6, 8, 2], names: names)

        #expect(PyTorchInteropTests.largestDifference(logits, try io.tensor("logits")) <= 1e-5)
        let exported = try SafeTensors(contentsOf: folder + "/for-pytorch.safetensors")
        let original = try SafeTensors(contentsOf: path)
        #expect(exported.names.sorted() == original.names.sorted())
        #expect(exported.names.allSatisfy { exported[$0] == original[$0] })
    }
}
