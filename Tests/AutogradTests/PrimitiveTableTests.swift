import Testing
@testable import Autograd

/// One row of the primitive table: a function that exercises `primitive` at random inputs.
struct PrimitiveCase: CustomTestStringConvertible, Sendable {
    let primitive: Primitive
    let label: String
    let inputs: @Sendable () -> [Tensor<Double>]
    let function: @Sendable ([Tensor<Double>]) -> Tensor<Double>

    var testDescription: String { "\(primitive.rawValue): \(label)" }
}

/// Builds a row; `shapes` are the inputs' shapes, filled with seeded values in `range`.
func row(
    _ primitive: Primitive, _ label: String, _ shapes: [Shape], in range: Range<Double> = -1..<1,
    awayFromZero margin: Double = 0, _ function: @escaping @Sendable ([Tensor<Double>]) -> Tensor<Double>
) -> PrimitiveCase {
    PrimitiveCase(primitive: primitive, label: label, inputs: {
        shapes.enumerated().map { randomTensor($1, seed: UInt64($0 + 1) &* 7919, in: range, awayFromZero: margin) }
    }, function: function)
}

/// Every primitive at several shapes, broadcasting shapes included.
let primitiveTable: [PrimitiveCase] = [
    row(.add, "matrices", [[3, 4], [3, 4]]) { $0[0] + $0[1] },
    row(.add, "bias row broadcast", [[3, 4], [4]]) { $0[0] + $0[1] },
    row(.add, "column broadcast both ways", [[3, 1], [1, 4]]) { $0[0] + $0[1] },
    row(.subtract, "matrices", [[2, 5], [2, 5]]) { $0[0] - $0[1] },
    row(.subtract, "scalar broadcast", [[2, 3, 2], []]) { $0[0] - $0[1] },
    row(.negate, "rank 3", [[2, 3, 2]]) { -$0[0] },
    row(.scale, "by 2.5", [[4, 3]]) { $0[0] * 2.5 },
    row(.multiply, "matrices", [[3, 4], [3, 4]]) { $0[0] * $0[1] },
    row(.multiply, "broadcast rank 3", [[2, 1, 4], [3, 1]]) { $0[0] * $0[1] },
    row(.divide, "matrices", [[3, 4], [3, 4]], awayFromZero: 0.5) { $0[0] / $0[1] },
    row(.divide, "broadcast denominator", [[3, 4], [1, 4]], awayFromZero: 0.5) { $0[0] / $0[1] },
    row(.matmul, "A·B", [[3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
    row(.matmul, "Aᵀ·B", [[4, 3], [4, 5]]) { matmul($0[0], $0[1], transposeA: true) },
    row(.matmul, "A·Bᵀ", [[3, 4], [5, 4]]) { matmul($0[0], $0[1], transposeB: true) },
    row(.matmul, "Aᵀ·Bᵀ", [[4, 3], [5, 4]]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) },
    row(.matmul, "vector", [[1, 6], [6, 1]]) { matmul($0[0], $0[1]) },
    row(.broadcast, "leading and inner axes", [[3, 1]]) { $0[0].broadcast(to: [2, 3, 4]) },
    row(.broadcast, "scalar", [[]]) { $0[0].broadcast(to: [2, 3]) },
    row(.sum, "axis 0", [[3, 4]]) { $0[0].sum(alongAxes: [0]) },
    row(.sum, "axes 0 and 2 kept", [[2, 3, 4]]) { $0[0].sum(alongAxes: [0, 2], keepingDimensions: true) },
    row(.sum, "everything", [[2, 3]]) { $0[0].sum() },
    row(.sum, "mean of last axis", [[2, 5]]) { $0[0].mean(alongAxes: [-1]) },
    row(.reshape, "matrix to rank 3", [[4, 6]]) { $0[0].reshaped(to: [2, -1, 3]) },
    row(.transpose, "matrix", [[3, 5]]) { $0[0].transposed() },
    row(.transpose, "rank 4 permutation", [[2, 3, 4, 2]]) { $0[0].transposed(permutation: [0, 3, 1, 2]) },
    row(.exp, "matrix", [[3, 4]]) { $0[0].exp() },
    row(.log, "positive", [[3, 4]], in: 0.2..<3) { $0[0].log() },
    row(.sigmoid, "wide range", [[3, 4]], in: -6..<6) { $0[0].sigmoid() },
    row(.tanh, "matrix", [[3, 4]], in: -3..<3) { $0[0].tanh() },
    row(.relu, "away from the kink", [[4, 5]], awayFromZero: 0.05) { $0[0].relu() },
    row(.leakyRelu, "slope 0.01", [[4, 5]], awayFromZero: 0.05) { $0[0].leakyRelu() },
    row(.leakyRelu, "slope 0.2", [[3, 2, 2]], awayFromZero: 0.05) { $0[0].leakyRelu(slope: 0.2) },
    row(.leakyReluDerivative, "piecewise constant (zero derivative)", [[4, 3]], awayFromZero: 0.05) {
        $0[0].leakyReluDerivative(slope: 0.1) * $0[0]
    },
    row(.softmax, "last axis", [[3, 5]], in: -3..<3) { $0[0].softmax() },
    row(.softmax, "middle axis", [[2, 4, 3]], in: -3..<3) { $0[0].softmax(alongAxis: 1) },
    row(.logSoftmax, "last axis", [[3, 5]], in: -3..<3) { $0[0].logSoftmax() },
    row(.logSoftmax, "first axis", [[4, 3]], in: -3..<3) { $0[0].logSoftmax(alongAxis: 0) },
    row(.softmaxCrossEntropy, "integer labels", [[4, 5]], in: -3..<3) {
        softmaxCrossEntropy(logits: $0[0], labels: [0, 3, 4, 1])
    },
    row(.softmaxCrossEntropy, "probability targets (both differentiated)", [[3, 4], [3, 4]], in: 0.1..<1) {
        softmaxCrossEntropy(logits: $0[0], probabilities: $0[1])
    },
    row(.quadraticCost, "prediction and target", [[4, 2], [4, 2]]) { quadraticCost($0[0], $0[1]) },
    row(.maskMultiply, "dropout mask", [[3, 4]]) { x in
        x[0].multiplying(byMask: Tensor([0, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2, 2], shape: [3, 4]))
    },
]

@Suite("Every primitive against finite differences, in both modes")
struct PrimitiveTableTests {
    @Test(arguments: primitiveTable)
    func derivativesAgree(_ row: PrimitiveCase) {
        let inputs = row.inputs()
        let report = checkGradients(of: row.function, at: inputs)
        #expect(report.passes, "\(row.testDescription)\n\(report)")
        #expect(recordedPrimitives(of: row.function, at: inputs).contains(row.primitive),
                "the row for \(row.primitive) does not record it")
    }

    @Test("every primitive has a row in the table")
    func tableIsComplete() {
        let covered = Set(primitiveTable.map(\.primitive))
        let missing = Primitive.allCases.filter { $0 != .variable && !covered.contains($0) }
        #expect(missing.isEmpty, "primitives without a row: \(missing.map(\.rawValue))")
    }
}
