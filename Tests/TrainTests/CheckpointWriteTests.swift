import Autograd
import Foundation
import Testing
@testable import Train

@Suite("Atomic checkpoint writes")
struct CheckpointWriteTests {
    struct InjectedFailure: Error {}

    /// The names in `directory` other than `keep`.
    func leftovers(in directory: String, besides keep: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != keep }
    }

    func checkpoint(_ value: Float) -> SafeTensors {
        var file = SafeTensors(metadata: ["version": "\(value)"])
        file.append(StoredTensor(Tensor<Float>(repeating: value, shape: [64])), named: "w")
        return file
    }

    @Test("a new checkpoint replaces the old one and leaves no temporary file")
    func replaces() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        try checkpoint(1).write(to: path)
        try checkpoint(2).write(to: path)
        #expect(try SafeTensors(contentsOf: path).metadata["version"] == "2.0")
        #expect(try leftovers(in: directory, besides: "run.safetensors").isEmpty)
    }

    @Test("a failure in the middle of writing keeps the old checkpoint intact and removes the temporary file")
    func failureMidWrite() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/run.safetensors"
        try checkpoint(1).write(to: path)
        let before = try contents(of: path)
        var sawTemporaryFile = false
        #expect(throws: InjectedFailure.self) {
            try AtomicFile.replace(path) { sink in
                try sink.append(Array(checkpoint(2).encoded().prefix(100)))
                sawTemporaryFile = try leftovers(in: directory, besides: "run.safetensors").contains { $0.hasPrefix(".run.safetensors.tmp-") }
                throw InjectedFailure()
            }
        }
        #expect(sawTemporaryFile, "the contents went to a temporary file first")
        #expect(try contents(of: path) == before)
        #expect(try leftovers(in: directory, besides: "run.safetensors").isEmpty)
    }

    @Test("temporary files of writes that were killed are removed by the next write of the same file")
    func staleTemporaryFiles() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        // A process that has ended: its pid names a writer that can no longer finish.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = [".run.safetensors.tmp-\(ended.processIdentifier)-5eed", ".run.safetensors.tmp-9c0ffee1"]
        // Pid 1 is always running: its write may still be going on. Another file's temporaries are not ours.
        let kept = [".run.safetensors.tmp-1-5eed", ".other.safetensors.tmp-9c0ffee1"]
        for name in stale + kept { try write([UInt8](repeating: 7, count: 4096), to: directory + "/" + name) }
        try checkpoint(1).write(to: directory + "/run.safetensors")
        #expect(try Set(leftovers(in: directory, besides: "run.safetensors")) == Set(kept))
    }

    @Test("an impossible target throws .unwritable, keeps what was there and leaves nothing behind")
    func unwritable() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        // A non-empty folder where the checkpoint should go: the final rename must fail.
        try FileManager.default.createDirectory(atPath: directory + "/run.safetensors/inner", withIntermediateDirectories: true)
        expectCheckpointError(.unwritable) { try checkpoint(1).write(to: directory + "/run.safetensors") }
        #expect(try leftovers(in: directory, besides: "run.safetensors").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/run.safetensors") == ["inner"])
        expectCheckpointError(.unwritable) { try checkpoint(1).write(to: directory + "/missing/run.safetensors") }
    }

    @Test("a read-only folder throws .unwritable (only meaningful when not root)", .enabled(if: getuid() != 0))
    func readOnlyFolder() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        try checkpoint(1).write(to: directory + "/run.safetensors")
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory) }
        expectCheckpointError(.unwritable) { try checkpoint(2).write(to: directory + "/run.safetensors") }
        #expect(try SafeTensors(contentsOf: directory + "/run.safetensors").metadata["version"] == "1.0")
    }

}

@Suite("Training state")
struct TrainingStateTests {
    static func state() -> TrainingState<Float> {
        var generator = SeededGenerator(seed: 3)
        let weight = Tensor<Float>(randomNormal: [4, 3], using: &generator)
        let bias = Tensor<Float>(randomNormal: [4], using: &generator)
        let sampling = generator
        _ = generator.next()
        return TrainingState(parameters: [("dense2.weight", weight), ("dense2.bias", bias), ("dense1.weight", weight * 2)],
                             optimizerState: [("dense2.weight.m", weight * 0.1), ("dense2.weight.v", weight * weight)],
                             epoch: 3, step: 1234, generators: ["sampling": sampling, "dropout": generator],
                             metadata: ["learningRate": "0.05", "dataset": "fashion-mnist"])
    }

    @Test("a training state round-trips exactly, and its generators continue the same sequence")
    func roundTrip() throws {
        let original = Self.state()
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/state.safetensors"
        try original.write(to: path)
        let read = try TrainingState<Float>(contentsOf: path)
        #expect(read.parameters.map(\.name) == ["dense2.weight", "dense2.bias", "dense1.weight"])
        #expect(zip(read.parameters, original.parameters).allSatisfy { $0.value == $1.value })
        #expect(read.optimizerState.map(\.name) == original.optimizerState.map(\.name))
        #expect(zip(read.optimizerState, original.optimizerState).allSatisfy { $0.value == $1.value })
        #expect(read.epoch == 3 && read.step == 1234 && read.metadata == original.metadata)
        #expect(read.generators == original.generators)
        var continued = try #require(read.generators["dropout"])
        var reference = try #require(original.generators["dropout"])
        #expect((0..<5).map { _ in continued.next() } == (0..<5).map { _ in reference.next() })
        #expect(try read.parameter("dense2.bias", shape: [4]) == original.parameters[1].value)
        #expect(try SafeTensors(contentsOf: path).uint64s("generators/sampling") == original.generators["sampling"]!.stateWords)
    }

    @Test("a wrong file, dtype, shape or name throws")
    func mismatches() throws {
        let file = Self.state().safeTensors
        expectCheckpointError(.dtypeMismatch, containing: "stored as F32, not F64") { _ = try TrainingState<Double>(file) }
        let read = try TrainingState<Float>(file)
        expectCheckpointError(.shapeMismatch, containing: "\"dense2.weight\" has shape [4, 3], the model expects [3, 4]") {
            _ = try read.parameter("dense2.weight", shape: [3, 4])
        }
        expectCheckpointError(.missing, containing: "no optimizer state \"dense9.m\"") { _ = try read.optimizerState("dense9.m", shape: [1]) }
        var plain = SafeTensors()
        plain.append(StoredTensor(Tensor<Float>(1)), named: "w")
        expectCheckpointError(.missing, containing: "not a training state") { _ = try TrainingState<Float>(plain) }
        var zeroGenerator = SafeTensors(metadata: ["swift-autograd.format": "training-state/1"])
        zeroGenerator.append(StoredTensor([UInt64](repeating: 0, count: 4)), named: "generators/main")
        zeroGenerator.append(StoredTensor([Int64(0), 0]), named: "progress")
        expectCheckpointError(.badEntry, containing: "generator \"main\"") { _ = try TrainingState<Float>(zeroGenerator) }
    }
}
