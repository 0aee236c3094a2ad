import Testing
@testable import Autograd

@Suite("Index tensors: Tensor<Int32>")
struct IndexTensorTests {
    @Test("built from Int32 or Int values, printed as integers, converted both ways")
    func constructionAndConversion() {
        let indices = Tensor<Int32>([2, 0, 7, -1], shape: [2, 2])
        #expect(indices.scalars == [2, 0, 7, -1] && indices.shape == [2, 2])
        #expect(Tensor<Int32>([2, 0, 7, -1] as [Int], shape: [2, 2]) == indices)
        #expect(indices.description == "[[ 2,  0],\n [ 7, -1]]")
        #expect(Tensor<Double>(indices) == Tensor([2, 0, 7, -1], shape: [2, 2]))
        #expect(Tensor<Int32>(truncating: Tensor<Float>([2.9, -0.5, -1.7, 3])) == Tensor<Int32>([2, 0, -1, 3]))
        #expect(Tensor<Int32>.zeros([3]).scalars == [0, 0, 0])
    }

    @Test("an index tensor is never recorded, even inside a scope")
    func neverRecorded() {
        withGradientTape(of: Double.self) { tape in
            let x = tape.watch(Tensor<Double>([1, 2]))
            let indices = Tensor<Int32>(truncating: x)
            #expect(x.isRecorded && !indices.isRecorded)
        }
    }

    @Test("one-hot rows, for any shape of indices")
    func oneHot() {
        let rows = Tensor<Float>(oneHot: Tensor<Int32>([2, 0, 1, 2], shape: [2, 2]), classCount: 3)
        #expect(rows.shape == [2, 2, 3])
        #expect(rows.scalars == [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test("cross-entropy against an index tensor: the integer form's value, and the gradient (p − y)/N")
    func crossEntropyLabels() {
        let logits = randomTensor([3, 4], seed: 81, in: -2..<2)
        let labels = Tensor<Int32>([3, 0, 2])
        let (value, gradient) = valueWithGradient(at: logits) { softmaxCrossEntropy(logits: $0, labels: labels) }
        #expect(value == softmaxCrossEntropy(logits: logits, labels: [3, 0, 2]))
        expectClose(gradient, (logits.softmax() - Tensor(oneHot: labels, classCount: 4)) / 3, "(p − y)/N")
    }

    @Test("a one-hot index outside the classes stops naming the operation, the index, its position and the caller")
    func indexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(oneHot: Tensor<Int32>([1, 0, 4, 2], shape: [2, 2]), classCount: 3)
        }
        expectMessage(result, contains: ["AutogradTests/IndexTensorTests.swift:", "oneHot: index 4 at [1, 0] of indices [2, 2] is outside 0..<3"])
    }

    @Test("values that are not Int32 stop naming the conversion")
    func truncationOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Int32>(truncating: Tensor<Double>([1, 3e10]))
        }
        expectMessage(result, contains: ["AutogradTests/IndexTensorTests.swift:", "Tensor<Int32>(truncating:): element 1, 30000000000.0, is not an Int32"])
    }
}
