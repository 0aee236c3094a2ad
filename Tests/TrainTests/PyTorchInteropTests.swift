import Autograd
import Foundation
import Layers
import Testing
import Train

/// Our twins of the PyTorch models of scripts/make-pytorch-fixtures.py, and the name mapping.
enum PyTorchTwins {
    /// conv 3×2 (2 → 4) + ReLU, conv 3×3 same (4 → 3) + ReLU, max pool 2, flatten, dense 18 → 5,
    /// on 6×8 images of 2 channels; PyTorch's layers 0, 2 and 6.
    static func cnn(seed: UInt64) -> Sequential<Float> {
        var generator = SeededGenerator(seed: seed)
        return Sequential {
            Conv2D<Float>(inputChannels: 2, filters: 4, kernelSize: (3, 2), activation: .relu, using: &generator).named("conv1")
            Conv2D<Float>(inputChannels: 4, filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu, using: &generator).named("conv2")
            MaxPool2D<Float>(size: (2, 2)).named("pool")
            Flatten<Float>().named("flatten")
            Dense<Float>(inputSize: 18, outputSize: 5, using: &generator).named("output")
        }
    }
    static let cnnNames = ["conv1": "0", "conv2": "2", "output": "6"]
    static let cnnInputShape: Shape = [6, 8, 2]

    /// dense 6 → 8, tanh, dense 8 → 3, unnamed: our names are PyTorch's ("0.weight", "2.bias").
    static func mlp(seed: UInt64) -> Sequential<Float> {
        var generator = SeededGenerator(seed: seed)
        return Sequential {
            Dense<Float>(inputSize: 6, outputSize: 8, using: &generator)
            Activation<Float>(.tanh)
            Dense<Float>(inputSize: 8, outputSize: 3, using: &generator)
        }
    }
}

@Suite("PyTorch state_dict interchange")
struct PyTorchInteropTests {
    /// The fixture's input (NCHW images turned NHWC) and PyTorch's logits for it.
    static func inputAndLogits(_ name: String, images: Bool) throws -> (input: Tensor<Float>, logits: Tensor<Float>) {
        let io = try SafeTensors(contentsOf: fixture("pytorch-\(name)-io.safetensors"))
        let input: Tensor<Float> = try io.tensor("input")
        return (images ? input.transposed(permutation: [0, 2, 3, 1]) : input, try io.tensor("logits"))
    }

    /// The largest absolute difference between two tensors of one shape.
    static func largestDifference(_ a: Tensor<Float>, _ b: Tensor<Float>) -> Float {
        #expect(a.shape == b.shape)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    /// Loads the fixture into `model`, compares its predictions with PyTorch's logits, its export
    /// with the fixture's tensors, and the round trip through the export with the loaded values.
    static func check(_ name: String, model: Sequential<Float>, inputShape: Shape, names: [String: String], images: Bool,
                      fresh: Sequential<Float>) throws {
        var model = model
        let stateDict = try SafeTensors(contentsOf: fixture("pytorch-\(name).safetensors"))
        try model.loadPyTorchStateDict(stateDict, inputShape: inputShape, names: names)
        let (input, logits) = try inputAndLogits(name, images: images)
        let difference = largestDifference(model(input), logits)
        #expect(difference <= 1e-5, "\(name): our predictions differ from PyTorch's logits by \(difference)")

        let exported = model.pyTorchStateDict(inputShape: inputShape, names: names)
        #expect(exported.names.sorted() == stateDict.names.sorted())
        for tensorName in stateDict.names {
            #expect(exported[tensorName] == stateDict[tensorName], "\(name): exported \(tensorName) differs from PyTorch's")
        }
        var roundTrip = fresh
        try roundTrip.loadPyTorchStateDict(exported, inputShape: inputShape, names: names)
        #expect(roundTrip.parameters.map(\.value) == model.parameters.map(\.value))
    }

    @Test("a CNN from PyTorch (conv, pool, flatten, dense) predicts PyTorch's logits; its export is PyTorch's state_dict")
    func cnn() throws {
        try Self.check("cnn", model: PyTorchTwins.cnn(seed: 1), inputShape: PyTorchTwins.cnnInputShape, names: PyTorchTwins.cnnNames,
                       images: true, fresh: PyTorchTwins.cnn(seed: 2))
    }

    @Test("an MLP from PyTorch predicts PyTorch's logits; names by position need no mapping")
    func mlp() throws {
        try Self.check("mlp", model: PyTorchTwins.mlp(seed: 1), inputShape: [6], names: [:], images: false, fresh: PyTorchTwins.mlp(seed: 2))
    }

    @Test("export moves filter element [h, w, i, o] to [o, i, h, w] and dense column (h, w, c) to (c, h, w)")
    func layoutsByIndex() {
        let filter = Tensor<Double>((0..<24).map(Double.init), shape: [3, 2, 2, 2])       // [kh, kw, cin, cout]
        let (height, width, channels) = (2, 3, 2)
        let weight = Tensor<Double>((0..<24).map(Double.init), shape: [2, height * width * channels])
        let model = Sequential<Double> {
            Conv2D(weight: filter, bias: Tensor([0.5, -0.5])).named("conv")
            Flatten().named("flatten")
            Dense(weight: weight, bias: Tensor([1, 2])).named("dense")
        }
        let stateDict = model.pyTorchStateDict(inputShape: [4, 4, 2])   // conv 3×2 → [2, 3, 2]
        let theirFilter: Tensor<Double> = (try? stateDict.tensor("conv.weight")) ?? .zeros([0])
        let theirWeight: Tensor<Double> = (try? stateDict.tensor("dense.weight")) ?? .zeros([0])
        #expect(theirFilter.shape == [2, 2, 3, 2])
        #expect(theirWeight.shape == [2, 12])
        for h in 0..<3 { for w in 0..<2 { for i in 0..<2 { for o in 0..<2 {
            #expect(theirFilter.scalars[((o * 2 + i) * 3 + h) * 2 + w] == filter.scalars[((h * 2 + w) * 2 + i) * 2 + o])
        } } } }
        for row in 0..<2 { for h in 0..<height { for w in 0..<width { for c in 0..<channels {
            #expect(theirWeight.scalars[row * 12 + (c * height + h) * width + w] == weight.scalars[row * 12 + (h * width + w) * channels + c])
        } } } }
        #expect(stateDict["conv.bias"] == StoredTensor(Tensor<Double>([0.5, -0.5])))
    }

    @Test("a state_dict that does not fit throws, naming PyTorch's name, ours and the shapes, and changes nothing")
    func badStateDicts() throws {
        var model = PyTorchTwins.cnn(seed: 1)
        let original = model.parameters.map(\.value)
        let stateDict = try SafeTensors(contentsOf: fixture("pytorch-cnn.safetensors"))
        let shape = PyTorchTwins.cnnInputShape
        expectCheckpointError(.missing, containing: "no tensor \"conv1.weight\" of shape [4, 2, 3, 2] for parameter \"conv1.weight\"") {
            try model.loadPyTorchStateDict(stateDict, inputShape: shape)
        }
        var misnamed = PyTorchTwins.cnnNames
        misnamed["conv2"] = "1"
        expectCheckpointError(.missing, containing: "no tensor \"1.weight\" of shape [3, 4, 3, 3] for parameter \"conv2.weight\"") {
            try model.loadPyTorchStateDict(stateDict, inputShape: shape, names: misnamed)
        }
        var wider = stateDict
        wider.append(StoredTensor(Tensor<Float>([1])), named: "7.weight")
        expectCheckpointError(.badEntry, containing: "tensor \"7.weight\" is no parameter of Sequential") {
            try model.loadPyTorchStateDict(wider, inputShape: shape, names: PyTorchTwins.cnnNames)
        }
        var mlp = PyTorchTwins.mlp(seed: 1)
        let mlpDict = try SafeTensors(contentsOf: fixture("pytorch-mlp.safetensors"))
        var transposed = SafeTensors()
        for name in mlpDict.names {
            let tensor: Tensor<Float> = try mlpDict.tensor(name)
            transposed.append(StoredTensor(tensor.rank == 2 ? tensor.transposed() : tensor), named: name)
        }
        expectCheckpointError(.shapeMismatch, containing: "tensor \"0.weight\" has shape [6, 8], but parameter \"0.weight\" of shape [8, 6] needs [8, 6]") {
            try mlp.loadPyTorchStateDict(transposed, inputShape: [6])
        }
        #expect(model.parameters.map(\.value) == original)
    }

    @Test("a wrong input shape stops with the layer that cannot take it")
    func wrongInputShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PyTorchTwins.cnn(seed: 1).pyTorchStateDict(inputShape: [6, 8, 3], names: PyTorchTwins.cnnNames)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("PyTorch state_dict: layer Conv2D(3×2, 2 → 4"), "\(message)")
    }
}
