import Testing
import Autograd
import Layers
import Train

/// Inputs on which a fuzzing harness (scripts/fuzz.sh) crashed a reader, kept so that the defect
/// stays fixed: each must now be answered by a typed error or a correct value.
@Suite("Inputs found by fuzzing")
struct FuzzRegressionTests {
    @Test("IDX images: no images of a size whose pixel count overflows Int (an arithmetic overflow trap)")
    func idxEmptyImagesOfOverflowingSize() {
        // Found by fuzz-idx: count 0, rows 0xF6FF003D, columns 0xFFFFFFE0.
        let input: [UInt8] = [0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00, 0x00, 0xF6, 0xFF, 0x00, 0x3D, 0xFF, 0xFF, 0xFF, 0xE0]
        expectDataError(.badHeader, containing: "more bytes than memory can address") { _ = try IDX.images(bytes: input, file: "fuzz") }
    }

    @Test("checkpoint: an epoch count near Int64.max is refused (training from it overflowed the global step)")
    func checkpointEpochOverflow() throws {
        // Found by fuzz-checkpoint: the trained seed with progress [0x7D5D_3400_0000_0001, 44].
        let input = try contents(of: fixture("fuzz-findings/checkpoint-epoch-overflow.safetensors"))
        expectCheckpointError(.badEntry, containing: "progress") { _ = try TrainingState<Float>(SafeTensors(decoding: input, file: "fuzz")) }
    }

    @Test("checkpoint: a first moment of 5e37 makes Adam's update NaN at the last step of an epoch, and the guard stops")
    func checkpointUpdateToNaN() throws {
        // Found by fuzz-checkpoint: the trained seed with optimizer/0.weight.firstMoment[4] = 5.4e37. The
        // loss and gradient of every step were finite, so training ended with a NaN weight and no stop.
        let input = try contents(of: fixture("fuzz-findings/checkpoint-adam-moment-overflow.safetensors"))
        var generator = SeededGenerator(seed: 1)
        var trainer = Trainer(model: Sequential<Float> { Dense<Float>(inputSize: 2, outputSize: 3, using: &generator) },
                              optimizer: Adam<Float>(), loss: .softmaxCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .silent)
        try trainer.restore(from: TrainingState(SafeTensors(decoding: input, file: "fuzz")), allowingChangedSettings: true)
        let points = TensorDataset<Float>(inputs: Tensor([0.1, 0.2, 0.9, 0.8, 0.2, 0.1, 0.8, 0.9], shape: [4, 2]), targets: .labels([0, 1, 0, 2]))
        let history = try trainer.fit(training: points, epochs: 1, batchSize: 2)
        let reason = try #require(history.stopReason, "training ended with parameters \(trainer.model.parameters.map(\.value.scalars))")
        #expect("\(reason)".contains("made parameter 0.weight non-finite"), "\(reason)")
    }
}
