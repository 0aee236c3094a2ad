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
    // |x| > 0.3 and |0.1·y| < 0.1 keep x + 0.1·y away from ReLU's kink.
    row(.addRelu, "away from the kink", [[3, 11], [3, 11]], awayFromZero: 0.3) { $0[0].adding($0[1] * 0.1, rectified: true) },
    row(.addRelu, "broadcast row, away from the kink", [[2, 3, 4], [4]], awayFromZero: 0.3) {
        $0[0].adding($0[1] * 0.1, rectified: true)
    },
    row(.subtract, "matrices", [[2, 5], [2, 5]]) { $0[0] - $0[1] },
    row(.subtract, "scalar broadcast", [[2, 3, 2], []]) { $0[0] - $0[1] },
    row(.addScaled, "matrices, factor −0.3", [[3, 4], [3, 4]]) { $0[0].adding($0[1], scaledBy: -0.3) },
    row(.addScaled, "broadcast row, factor 2", [[3, 4], [4]]) { $0[0].adding($0[1], scaledBy: 2) },
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
    row(.addBias, "bias along the last axis of a rank-3 tensor", [[2, 3, 4], [4]]) { $0[0].addingBias($0[1]) },
    row(.addBias, "11 columns: a partial vector", [[3, 11], [11]]) { $0[0].addingBias($0[1]) },
    // |x| > 0.3 and |0.1·b| < 0.1 keep x + 0.1·b away from ReLU's kink.
    row(.addBiasRelu, "away from the kink", [[2, 3, 11], [11]], awayFromZero: 0.3) { $0[0].addingBias($0[1] * 0.1, rectified: true) },
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
    row(.reluBackward, "cotangent and input (piecewise constant in the input)", [[4, 3], [4, 3]], awayFromZero: 0.05) {
        $0[0].reluBackward(input: $0[1])
    },
    row(.reluBackward, "as ReLU's recorded pullback", [[3, 4], [3, 4]], awayFromZero: 0.05) { v in
        recordedPullback(of: { $0[0].relu() }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.sigmoidBackward, "cotangent and output σ in (0, 1)", [[3, 4], [3, 4]], in: 0.05..<0.95) {
        $0[0].sigmoidBackward(output: $0[1])
    },
    row(.sigmoidBackward, "as the sigmoid's recorded pullback", [[3, 4], [3, 4]], in: -3..<3) { v in
        recordedPullback(of: { $0[0].sigmoid() }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.tanhBackward, "cotangent and output t in (−1, 1)", [[4, 3], [4, 3]], in: -0.95..<0.95) {
        $0[0].tanhBackward(output: $0[1])
    },
    row(.tanhBackward, "as tanh's recorded pullback", [[2, 5], [2, 5]], in: -2..<2) { v in
        recordedPullback(of: { $0[0].tanh() }, at: [v[1]], cotangent: v[0])[0]
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
    row(.custom, "a user's swish (Docs/Autograd.md)", [[3, 4]], in: -3..<3) { swish($0[0]) },
    row(.custom, "a user's primitive on raw buffers, two inputs", [[2, 3], [2, 3]], awayFromZero: 0.2) {
        hypotenuse($0[0], $0[1])
    },
] + convolutionRows + poolingRows + elementwiseMathRows + indexingRows + normalizationRows

/// The pullback of `f` at `inputs` applied to `cotangent`, computed inside a recording scope so
/// that an enclosing scope records it: the rows of the backward primitives differentiate it.
func recordedPullback(
    of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>], cotangent: Tensor<Double>
) -> [Tensor<Double>] {
    withGradientTape(of: Double.self) { tape in
        let variables = inputs.map(tape.watch)
        return tape.pullback(of: f(variables), cotangent: cotangent, withRespectTo: variables)
    }
}

/// conv2d and its two adjoints at several configurations: batch > 1, Cin and Cout > 1,
/// non-square images and filters, strides 1 and 2, symmetric and asymmetric padding, and a 5×5
/// filter over eight channels in and out, which the Winograd kernel computes.
let convolutionRows: [PrimitiveCase] =
    convolutionFamily("3×2 filter, valid, batch 2", input: [2, 5, 4, 3], filter: [3, 2, 3, 2], strides: (1, 1), padding: .valid)
    + convolutionFamily("3×3 filter, stride 2, padding 1", input: [1, 6, 7, 2], filter: [3, 3, 2, 3], strides: (2, 2),
                      padding: .symmetric(1))
    + convolutionFamily("2×3 filter, strides 2×1, asymmetric padding", input: [2, 5, 6, 2], filter: [2, 3, 2, 2],
                      strides: (2, 1), padding: Padding(top: 0, bottom: 1, left: 2, right: 1))
    + convolutionFamily("1×4 filter, strides 1×2, right padding only", input: [2, 2, 9, 1], filter: [1, 4, 1, 2],
                      strides: (1, 2), padding: Padding(top: 0, bottom: 0, left: 0, right: 1))
    // Its 1600 filter entries make the whole family slow to difference (ninety seconds in a
    // debug build); conv2d's row runs, and ConvolutionKernelTests holds all three Winograd
    // passes to the reference loops within 1e-13 in Double.
    + convolutionFamily("5×5 filter, padding 2, 8 channels (Winograd)", input: [1, 2, 3, 8], filter: [5, 5, 8, 8],
                        strides: (1, 1), padding: .symmetric(2)).filter { $0.primitive == .conv2d }

/// Rows for conv2d, conv2dInputGradient and conv2dFilterGradient at one configuration.
func convolutionFamily(
    _ label: String, input: Shape, filter: Shape, strides: (height: Int, width: Int), padding: Padding
) -> [PrimitiveCase] {
    @Sendable func conv(_ x: Tensor<Double>, _ w: Tensor<Double>) -> Tensor<Double> {
        conv2d(x, filter: w, strides: strides, padding: padding)
    }
    let output = conv(.zeros(input), .zeros(filter)).shape
    let bias: Shape = [filter[3]]
    return [
        row(.conv2d, label, [input, filter]) { conv($0[0], $0[1]) },
        row(.conv2dBias, label, [input, filter, bias]) { conv2d($0[0], filter: $0[1], bias: $0[2], strides: strides, padding: padding) },
        // Values are 0.7 ≤ |v| < 1.7: |0.02·x·w| < 0.058 over at most 18 window terms stays below
        // 1.1, and |3·b| ≥ 2.1, so the output stays away from ReLU's kink.
        row(.conv2dBiasRelu, label, [input, filter, bias], awayFromZero: 0.7) {
            conv2d($0[0] * 0.02, filter: $0[1], bias: $0[2] * 3, strides: strides, padding: padding, rectified: true)
        },
        row(.conv2dInputGradient, label, [filter, output]) { v in
            recordedPullback(of: { conv($0[0], $0[1]) }, at: [.zeros(input), v[0]], cotangent: v[1])[0]
        },
        row(.conv2dFilterGradient, label, [input, output]) { v in
            recordedPullback(of: { conv($0[0], $0[1]) }, at: [v[0], .zeros(filter)], cotangent: v[1])[1]
        },
    ]
}

/// Max and average pooling and their adjoints at several configurations: overlapping and
/// disjoint windows, strides 1 and 2, symmetric and asymmetric padding. Random continuous
/// values make ties inside a max-pooling window (where it is not differentiable) unlikely.
let poolingRows: [PrimitiveCase] =
    poolingFamily("2×2 window, stride 2, batch 2", input: [2, 4, 6, 3], window: (2, 2), strides: (2, 2), padding: .valid)
    + poolingFamily("3×2 window, strides 2×1, asymmetric padding", input: [1, 5, 5, 2], window: (3, 2), strides: (2, 1),
                  padding: Padding(top: 1, bottom: 2, left: 0, right: 1))
    + poolingFamily("3×3 overlapping windows, stride 1, padding 1", input: [2, 4, 5, 2], window: (3, 3), strides: (1, 1),
                  padding: .symmetric(1))

/// Rows for maxPool2d, maxPool2dBackward, avgPool2d and avgPool2dBackward at one configuration.
func poolingFamily(
    _ label: String, input: Shape, window: (height: Int, width: Int), strides: (height: Int, width: Int), padding: Padding
) -> [PrimitiveCase] {
    @Sendable func maxPool(_ x: Tensor<Double>) -> Tensor<Double> {
        maxPool2d(x, window: window, strides: strides, padding: padding)
    }
    @Sendable func avgPool(_ x: Tensor<Double>) -> Tensor<Double> {
        avgPool2d(x, window: window, strides: strides, padding: padding)
    }
    let output = maxPool(.zeros(input)).shape
    return [
        row(.maxPool2d, label, [input]) { maxPool($0[0]) },
        row(.maxPool2dBackward, label, [input, output]) { v in
            recordedPullback(of: { maxPool($0[0]) }, at: [v[0]], cotangent: v[1])[0]
        },
        row(.avgPool2d, label, [input]) { avgPool($0[0]) },
        row(.avgPool2dBackward, label, [output]) { v in
            recordedPullback(of: { avgPool($0[0]) }, at: [.zeros(input)], cotangent: v[0])[0]
        },
    ]
}

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
