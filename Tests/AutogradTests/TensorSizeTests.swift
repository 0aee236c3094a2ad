import Testing
import Autograd

/// The call site that the creators put in their message.
private let sizeTestsFile = "AutogradTests/TensorSizeTests.swift:"

@Suite("Shapes too large to count or to hold stop with the shape, the size and the caller")
struct TensorSizeTests {
    @Test("an element count that overflows Int")
    func overflowingShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>.zeros([1 << 40, 1 << 40])
        }
        expectMessage(result, contains: [sizeTestsFile, "Tensor.zeros: shape [1099511627776, 1099511627776] has more elements than an Int counts"])
    }

    @Test("a tensor larger than the machine's memory")
    func largerThanMemory() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Tensor<Float>(randomNormal: [1 << 20, 1 << 20, 64], using: &generator)
        }
        expectMessage(result, contains: [sizeTestsFile, "Tensor(randomNormal:): shape [1048576, 1048576, 64] needs 281474976710656 bytes",
                                          "more than this machine's memory"])
    }

    @Test("the other creators name themselves", arguments: ["ones", "repeating", "uniform", "identity", "scalars"])
    func creators(_ creator: String) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [creator] in
            var generator = SeededGenerator(seed: 1)
            let huge: Shape = [1 << 31, 1 << 31, 1 << 31]
            switch creator {
            case "ones": _ = Tensor<Double>.ones(huge)
            case "repeating": _ = Tensor<Double>(repeating: 2, shape: huge)
            case "uniform": _ = Tensor<Double>(randomUniform: huge, using: &generator)
            case "identity": _ = Tensor<Double>.identity(1 << 40)
            default: _ = Tensor<Double>([1, 2], shape: huge)
            }
        }
        expectMessage(result, contains: [sizeTestsFile, "has more elements than an Int counts"])
    }
}
