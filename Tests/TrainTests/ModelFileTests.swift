import Autograd
import Foundation
import Layers
import Testing
import Train

@Suite("Saving and loading a model")
struct ModelFileTests {
    @Test("a saved model loads into another with the same layers: same parameters, same predictions")
    func roundTrip() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        let path = folder + "/model.safetensors"
        let model = smallClassifier(seed: 2)
        try model.save(to: path, metadata: ["note": "two moons"])
        var other = smallClassifier(seed: 7)
        #expect(other.parameters.map(\.value) != model.parameters.map(\.value))
        try other.load(from: path)
        #expect(other.parameters.map(\.value) == model.parameters.map(\.value))
        let points = separablePoints(count: 5, seed: 1).inputs
        #expect(other(points) == model(points))
        let file = try SafeTensors(contentsOf: path)
        #expect(file.names == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
        #expect(file.metadata == ["note": "two moons", "swift-autograd.format": "model/1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"], "no temporary file is left")
    }

    @Test("a trainer's checkpoint loads into a model the same way")
    func fromCheckpoint() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>(learningRate: 0.05), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.fit(training: separablePoints(count: 8, seed: 1), epochs: 1, batchSize: 4)
        try trainer.saveCheckpoint(to: folder + "/run.safetensors")
        var model = smallClassifier(seed: 7)
        try model.load(from: folder + "/run.safetensors")
        #expect(model.parameters.map(\.value) == trainer.model.parameters.map(\.value))
    }

    @Test("a file that does not fit the model throws, naming the parameter and the shapes, and changes nothing")
    func badFiles() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        var model = smallClassifier(seed: 2)
        let original = model.parameters.map(\.value)
        var generator = SeededGenerator(seed: 1)
        let wider = Sequential<Float> {
            Dense<Float>(inputSize: 2, outputSize: 8, using: &generator).named("hidden")
            Dense<Float>(inputSize: 8, outputSize: 3, using: &generator).named("output")
        }
        try wider.save(to: folder + "/wider.safetensors")
        expectCheckpointError(.shapeMismatch, containing: "parameter \"output.weight\" has shape [3, 8] in the file, the model expects [2, 8]") {
            try model.load(from: folder + "/wider.safetensors")
        }
        let hiddenOnly = Sequential<Float> { Dense<Float>(inputSize: 2, outputSize: 8, using: &generator).named("hidden") }
        try hiddenOnly.save(to: folder + "/hidden.safetensors")
        expectCheckpointError(.missing, containing: "no tensor \"output.weight\" for parameter \"output.weight\" of shape [2, 8] of Sequential") {
            try model.load(from: folder + "/hidden.safetensors")
        }
        var extra = model.parameterFile()
        extra.append(StoredTensor(Tensor<Float>([1])), named: "head.scale")
        try extra.write(to: folder + "/extra.safetensors")
        expectCheckpointError(.badEntry, containing: "tensor \"head.scale\" is no parameter of Sequential") {
            try model.load(from: folder + "/extra.safetensors")
        }
        var double = SafeTensors()
        for parameter in model.parameters { double.append(StoredTensor(Tensor<Double>(parameter.value.scalars.map(Double.init), shape: parameter.value.shape)), named: parameter.name) }
        expectCheckpointError(.dtypeMismatch, containing: "\"hidden.weight\" is stored as F64, not F32") { try model.load(from: double) }
        let bytes = model.parameterFile().encoded()
        try write(Array(bytes.dropLast(4)), to: folder + "/truncated.safetensors")
        expectCheckpointError(.truncated, containing: "truncated") { try model.load(from: folder + "/truncated.safetensors") }
        expectCheckpointError(.unreadable) { try model.load(from: folder + "/absent.safetensors") }
        expectCheckpointError(.unwritable) { try model.save(to: folder + "/no/such/folder/model.safetensors") }
        #expect(model.parameters.map(\.value) == original)
    }
}
