import Autograd
import FuzzSupport
import Layers
import Train

/// The checkpoint loader on the fuzzer's bytes: a safetensors file read as a training state and
/// restored into a trainer of a 2 → 3 dense layer with Adam, which then trains one epoch on
/// four points. Each stage must throw a typed error (CheckpointError, OptimizerStateError) or
/// succeed; a restored model is finite, and training either keeps it finite or a guard stops it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    answer(bytes(start, count), isTyped: { $0 is CheckpointError || $0 is OptimizerStateError }) { input in
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> { Dense<Float>(inputSize: 2, outputSize: 3, using: &generator) }
        var trainer = Trainer(model: model, optimizer: Adam<Float>(), loss: .softmaxCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .silent)
        let state = try TrainingState<Float>(SafeTensors(decoding: input, file: "fuzz"))
        try trainer.restore(from: state, allowingChangedSettings: true)
        require(trainer.model.parameters.allSatisfy { $0.value.isFinite }, "restored parameters are not finite")
        let points = TensorDataset<Float>(inputs: Tensor([0.1, 0.2, 0.9, 0.8, 0.2, 0.1, 0.8, 0.9], shape: [4, 2]),
                                          targets: .labels(Tensor([0, 1, 0, 2])))
        let history = try trainer.fit(training: points, epochs: 1, batchSize: 2)
        require(history.stopReason != nil || trainer.model.parameters.allSatisfy { $0.value.isFinite },
                "training went on with parameters that are not finite")
    }
}
