import Testing
import Autograd

/// Runs `body` right after tensors of `shapes` filled with NaN were freed, so that an output
/// the operation forgets to write would show the freed NaNs instead of happening to be zero.
private func afterFreedGarbage<Scalar: TensorScalar, Result>(_ shapes: [Shape], of _: Scalar.Type,
                                                             _ body: () -> Result) -> Result {
    for shape in shapes {
        for _ in 0..<4 { _ = Tensor<Scalar>(repeating: .nan, shape: shape).scalars }
    }
    return body()
}

/// Checks that `tensor` has `shape` and holds only zeros.
private func expectZeros<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, _ shape: Shape,
                                               sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(tensor.shape == shape, sourceLocation: sourceLocation)
    #expect(tensor.scalars.allSatisfy { $0 == 0 }, "\(tensor.scalars.prefix(8)) should be zeros", sourceLocation: sourceLocation)
}

@Suite("Empty tensors: a sum of nothing is 0, in every reduction and its gradient")
struct EmptyTensorTests {
    @Test("summed(toShape:) over an empty axis is zero in every kernel pattern", arguments: [
        ([0, 7], [7]), ([0, 7], [1, 7]), ([0, 3, 4], [3, 4]), ([0, 3, 4], [1, 1, 4]),
        ([3, 0], [3, 1]), ([0, 7], []), ([2, 0, 3], [2, 1, 3]), ([0, 2, 5], [2, 1]),
    ] as [([Int], [Int])])
    func summedToShape(_ source: [Int], _ target: [Int]) {
        let empty = Tensor<Float>.zeros(Shape(source))
        expectZeros(afterFreedGarbage([Shape(target)], of: Float.self) { empty.summed(toShape: Shape(target)) }, Shape(target))
        let emptyDouble = Tensor<Double>.zeros(Shape(source))
        expectZeros(afterFreedGarbage([Shape(target)], of: Double.self) { emptyDouble.summed(toShape: Shape(target)) }, Shape(target))
    }

    @Test("sum and mean over all elements and along axes")
    func sumAndMean() {
        let empty = Tensor<Float>.zeros([0, 5])
        afterFreedGarbage([[5], []], of: Float.self) {
            expectZeros(empty.sum(), [])
            expectZeros(empty.mean(), [])
            expectZeros(empty.sum(alongAxes: [0]), [5])
            expectZeros(empty.mean(alongAxes: [0]), [5])
            expectZeros(empty.sum(alongAxes: [0], keepingDimensions: true), [1, 5])
            expectZeros(empty.sum(alongAxes: [1]), [0])
        }
    }

    @Test("a matrix product with an empty inner dimension is zero, in every transposed form")
    func matmulEmptyInner() {
        let (a, b) = (Tensor<Float>.zeros([4, 0]), Tensor<Float>.zeros([0, 3]))
        afterFreedGarbage([[4, 3]], of: Float.self) {
            expectZeros(matmul(a, b), [4, 3])
            expectZeros(matmul(a.transposed(), b, transposeA: true), [4, 3])
            expectZeros(matmul(a, b.transposed(), transposeB: true), [4, 3])
            expectZeros(matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true), [4, 3])
        }
        #expect(matmul(Tensor<Float>.zeros([0, 5]), Tensor<Float>.ones([5, 3])).shape == [0, 3])
    }

    @Test("a layer's bias and weights on a batch of no rows get zero gradients")
    func denseGradients() {
        let x = Tensor<Float>.zeros([0, 3]), w = Tensor<Float>.ones([2, 3]), b = Tensor<Float>.ones([2])
        for rectified in [false, true] {
            let (value, gradients) = afterFreedGarbage([[2], [2, 3]], of: Float.self) {
                valueWithGradient(at: [x, w, b]) { matmul($0[0], $0[1], transposeB: true).addingBias($0[2], rectified: rectified).sum() }
            }
            expectZeros(value, [])
            expectZeros(gradients[0], [0, 3])
            expectZeros(gradients[1], [2, 3])
            expectZeros(gradients[2], [2])
        }
    }

    @Test("broadcast to and from empty shapes")
    func broadcasts() {
        #expect(Tensor<Float>.ones([7]).broadcast(to: [0, 7]).shape == [0, 7])
        #expect(Tensor<Float>.zeros([1, 0]).broadcast(to: [3, 0]).shape == [3, 0])
        let (_, gradient) = afterFreedGarbage([[7]], of: Float.self) {
            valueWithGradient(at: Tensor<Float>.ones([7])) { $0.broadcast(to: [0, 7]).sum() }
        }
        expectZeros(gradient, [7])
    }

    @Test("softmax, log-softmax and both costs on no examples: empty outputs, zero losses and gradients")
    func softmaxAndCosts() {
        let logits = Tensor<Float>.zeros([0, 4])
        #expect(logits.softmax(alongAxis: 1).shape == [0, 4])
        #expect(logits.logSoftmax(alongAxis: 0).shape == [0, 4])
        #expect(Tensor<Float>.zeros([3, 0]).softmax(alongAxis: 1).shape == [3, 0])
        let (loss, gradient) = afterFreedGarbage([[]], of: Float.self) {
            valueWithGradient(at: logits) { softmaxCrossEntropy(logits: $0, labels: []) }
        }
        expectZeros(loss, [])
        expectZeros(gradient, [0, 4])
        let (cost, costGradient) = valueWithGradient(at: Tensor<Float>.zeros([0, 2])) { quadraticCost($0, Tensor<Float>.zeros([0, 2])) }
        expectZeros(cost, [])
        expectZeros(costGradient, [0, 2])
    }

    @Test("convolution and pooling of a batch of no images: empty outputs, zero filter and bias gradients")
    func convolutionAndPooling() {
        let images = Tensor<Float>.zeros([0, 8, 8, 3])
        let filter = Tensor<Float>.ones([3, 3, 3, 4]), bias = Tensor<Float>.ones([4])
        for rectified in [false, true] {
            let (value, gradients) = afterFreedGarbage([[3, 3, 3, 4], [4]], of: Float.self) {
                valueWithGradient(at: [images, filter, bias]) {
                    conv2d($0[0], filter: $0[1], bias: $0[2], padding: .symmetric(1), rectified: rectified).sum()
                }
            }
            expectZeros(value, [])
            expectZeros(gradients[0], [0, 8, 8, 3])
            expectZeros(gradients[1], [3, 3, 3, 4])
            expectZeros(gradients[2], [4])
        }
        let (_, filterGradient) = afterFreedGarbage([[5, 5, 3, 4]], of: Float.self) {
            valueWithGradient(at: Tensor<Float>.ones([5, 5, 3, 4])) { conv2d(Tensor<Float>.zeros([0, 32, 32, 3]), filter: $0).sum() }
        }
        expectZeros(filterGradient, [5, 5, 3, 4])
        #expect(maxPool2d(images, window: (2, 2), strides: (2, 2)).shape == [0, 4, 4, 3])
        #expect(avgPool2d(images, window: (2, 2), strides: (2, 2)).shape == [0, 4, 4, 3])
        let (_, poolGradient) = valueWithGradient(at: images) { maxPool2d($0, window: (2, 2), strides: (2, 2)).sum() }
        #expect(poolGradient.shape == [0, 8, 8, 3])
    }

    @Test("the tensor API's operations on tensors with no elements: right shapes, zero gradients")
    func tensorOperations() {
        let empty = Tensor<Float>.zeros([0, 3])
        #expect(empty.max(alongAxes: [1]).shape == [0])
        #expect(empty.min(alongAxes: [1], keepingDimensions: true).shape == [0, 1])
        #expect(empty.argmax(alongAxis: 1).shape == [0])
        #expect(empty.logSumExp(alongAxes: [1]).shape == [0])
        #expect(empty.variance(alongAxes: [1]).shape == [0])
        #expect(empty.softmax(mask: Tensor.causalMask(3)[0..<1, .all]).shape == [0, 3])
        #expect(Tensor<Float>.zeros([0, 3, 3]).causalSoftmax().shape == [0, 3, 3])
        #expect(Tensor<Float>.zeros([2, 0, 0]).causalSoftmax().shape == [2, 0, 0])
        #expect(empty[.all, 1..<3].shape == [0, 2])
        #expect(empty.slice(alongAxis: 0, from: 0, to: 0).shape == [0, 3])
        #expect(empty.padded([(1, 0), (0, 0)], value: 2).scalars == [2, 2, 2])
        #expect(concatenate([empty, Tensor.ones([2, 3])]).scalars == [Float](repeating: 1, count: 6))
        #expect(empty.taking(Tensor<Int32>([1, 2]), alongAxis: 1).shape == [0, 2])
        #expect(embedding(Tensor<Int32>([], shape: [0]), table: Tensor<Float>.ones([4, 3])).shape == [0, 3])
        #expect(matmul(Tensor<Float>.zeros([0, 2, 3]), Tensor<Float>.ones([3, 4])).shape == [0, 2, 4])
        let table = Tensor<Float>.ones([4, 3])
        let (_, gradient) = afterFreedGarbage([[4, 3]], of: Float.self) {
            valueWithGradient(at: table) { embedding(Tensor<Int32>([], shape: [0, 2]), table: $0).sum() }
        }
        expectZeros(gradient, [4, 3])
        let (_, batchGradient) = afterFreedGarbage([[3, 4]], of: Float.self) {
            valueWithGradient(at: Tensor<Float>.ones([3, 4])) { matmul(Tensor<Float>.zeros([0, 2, 3]), $0).sum() }
        }
        expectZeros(batchGradient, [3, 4])
    }
}
