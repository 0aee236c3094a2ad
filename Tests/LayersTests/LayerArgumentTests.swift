import Autograd
import Layers
import Testing

/// The call site that the layers' initialisers put in their message.
private let thisFile = "LayersTests/LayerArgumentTests.swift:"

@Suite("Impossible layer sizes stop at the caller's line with the layer and the values")
struct LayerArgumentTests {
    @Test("a Dense layer of negative size")
    func negativeDense() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Dense<Float>(inputSize: -3, outputSize: 4, using: &generator)
        }
        expectStop(result, mentions: [thisFile, "Dense: inputSize -3 and outputSize 4 must be positive"])
    }

    @Test("a Dense layer too large for the machine's memory")
    func hugeDense() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Dense<Float>(inputSize: 784, outputSize: 99_999_999_999, using: &generator)
        }
        expectStop(result, mentions: [thisFile, "[99999999999, 784]", "more than this machine's memory"])
    }

    @Test("a convolution without filters")
    func emptyConvolution() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Conv2D<Float>(inputChannels: 3, filters: 0, kernelSize: (5, 5), using: &generator)
        }
        expectStop(result, mentions: [thisFile, "Conv2D: inputChannels 3, filters 0 and kernel 5×5 must be positive"])
    }
}
