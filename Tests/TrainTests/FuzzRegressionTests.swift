import Testing
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
        let (trainer, history) = try FuzzSeedTests.trainAsTheHarness(input, file: "fuzz")
        let reason = try #require(history.stopReason, "training ended with parameters \(trainer.model.parameters.map(\.value.scalars))")
        #expect("\(reason)".contains("made parameter 0.weight non-finite"), "\(reason)")
    }
}
