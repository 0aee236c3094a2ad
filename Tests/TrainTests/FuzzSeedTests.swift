import Foundation
import Testing
import Autograd
import Layers
import Train

/// The seed corpus of the fuzzing harnesses (Fuzz/Corpus, written by Fuzz/make-seeds.py) must
/// hold valid files: a seed that no longer reads would leave its harness fuzzing only errors.
@Suite("Fuzzing seeds are valid files")
struct FuzzSeedTests {
    /// The seeds of `reader`, as (name, bytes).
    static func seeds(_ reader: String) throws -> [(String, [UInt8])] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/" + reader)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!names.isEmpty, "no seeds for \(reader)")
        return try names.map { ($0, try contents(of: folder.appendingPathComponent($0).path)) }
    }

    @Test("IDX seeds read as images or as labels", arguments: ["idx", "idx-gzip"])
    func idx(_ reader: String) throws {
        for (name, bytes) in try Self.seeds(reader) {
            let images = try? IDX.images(bytes: bytes, file: name), labels = try? IDX.labels(bytes: bytes, file: name)
            #expect((images == nil) != (labels == nil), "\(name)")
        }
    }

    @Test("CIFAR-10, CSV and safetensors seeds read")
    func otherFormats() throws {
        for (name, bytes) in try Self.seeds("cifar10") { #expect(try CIFAR10.dataset(bytes: bytes, file: name).count > 0) }
        let layout = CSVImageLayout(height: 2, width: 2, maximumValue: 255, classCount: 10)
        for (name, bytes) in try Self.seeds("csv") { #expect(try CSVImages.dataset(bytes: bytes, file: name, layout: layout).count > 0) }
        for (name, bytes) in try Self.seeds("safetensors") { _ = try SafeTensors(decoding: bytes, file: name) }
    }

    /// What fuzz-checkpoint does with its input: restore it into a dense layer 2 → 3 with Adam
    /// (settings allowed to change), then train one epoch on four points in batches of two.
    static func trainAsTheHarness(_ bytes: [UInt8], file: String) throws -> (Trainer<Sequential<Float>, Adam<Float>>, History) {
        var generator = SeededGenerator(seed: 1)
        var trainer = Trainer(model: Sequential<Float> { Dense<Float>(inputSize: 2, outputSize: 3, using: &generator) },
                              optimizer: Adam<Float>(), loss: .softmaxCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.restore(from: TrainingState(SafeTensors(decoding: bytes, file: file)), allowingChangedSettings: true)
        let points = TensorDataset<Float>(inputs: Tensor([0.1, 0.2, 0.9, 0.8, 0.2, 0.1, 0.8, 0.9], shape: [4, 2]),
                                          targets: .labels(Tensor([0, 1, 0, 2])))
        let history = try trainer.fit(training: points, epochs: 1, batchSize: 2)
        return (trainer, history)
    }

    @Test("checkpoint seeds restore into the harness's model and train on")
    func checkpoints() throws {
        for (name, bytes) in try Self.seeds("checkpoint") {
            let (trainer, history) = try Self.trainAsTheHarness(bytes, file: name)
            #expect(history.stopReason == nil && trainer.epochsCompleted == history.epochs.count, "\(name)")
        }
    }
}
