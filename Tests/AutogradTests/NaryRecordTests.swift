import Testing
@testable import Autograd

/// y = Σᵢ cᵢ xᵢ over any number of equally shaped inputs, recorded as one entry (tagged `add`):
/// a primitive of more inputs than the three a record once held.
func weightedSum(_ inputs: [Tensor<Double>], weights: [Double]) -> Tensor<Double> {
    let count = inputs[0].elementCount
    let forward: Forward<Double> = { operands, output in
        for i in 0..<count {
            output[i] = weights.indices.reduce(0) { $0 + weights[$1] * operands[$1][i] }
        }
    }
    let y = Tensor(shape: inputs[0].shape, evaluating: forward, inputs: inputs)
    guard let tape = Tape.recording(inputs) else { return y }
    return tape.record(.add, y, inputs: inputs, forward: forward,
        pullback: { cotangent, _ in Tangents(weights.map { Optional(cotangent * $0) }) },
        pushforward: { t, _ in
            weights.indices.compactMap { i in t[i].map { $0 * weights[i] } }.reduce(Tensor.zeros(inputs[0].shape), +)
        })
}

@Suite("Records of any arity")
struct NaryRecordTests {
    let weights = [0.5, -1, 2, 3, -0.25]
    let inputs = (0..<5).map { randomTensor([2, 3], seed: 40 + UInt64($0)) }

    @Test("an inline list keeps its order past its inline slots, and writes reach the right slot")
    func inlineList() {
        var list = InlineList<Int>()
        #expect(list.isEmpty)
        for value in 10..<16 { list.append(value) }
        #expect(Array(list) == Array(10..<16))
        list[1] = -1
        list[4] = -4
        #expect(Array(list) == [10, -1, 12, 13, -4, 15])
        #expect(Array(InlineList([7, 8])) == [7, 8])
    }

    @Test("tangents read nil past the inputs given")
    func tangentsPastTheEnd() {
        let one = Tensor<Double>(1)
        let tangents = Tangents([one, nil, one, nil, one])
        #expect(tangents[4] == one && tangents[3] == nil && tangents[5] == nil)
        #expect(!tangents.areAllZero && Tangents<Double>([nil, nil, nil, nil]).areAllZero)
    }

    @Test("a five-input primitive: value, gradient of each input, forward mode and the adjoint identity")
    func fiveInputs() {
        let expected = zip(inputs, weights).map { $0 * $1 }.reduce(Tensor.zeros([2, 3]), +)
        let (value, gradients) = valueWithGradient(at: inputs) { weightedSum($0, weights: weights).sum() }
        expectClose(value, expected.sum(), "Σ cᵢ xᵢ")
        for (gradient, weight) in zip(gradients, weights) {
            expectClose(gradient, Tensor(repeating: weight, shape: [2, 3]), "∂/∂xᵢ = cᵢ")
        }
        let report = checkGradients(of: { weightedSum($0, weights: weights) }, at: inputs)
        #expect(report.passes, "\(report)")
    }

    @Test("a five-input primitive records one entry with five inputs, and a compiled function replays it")
    func compiledReplay() {
        let recorded = withGradientTape(of: Double.self) { tape in
            _ = weightedSum(inputs.map(tape.watch), weights: weights)
            return tape.tape.entries.last!.inputs.map(\.index)
        }
        #expect(recorded == [0, 1, 2, 3, 4])

        // The third input is a constant of the traced function; the others are fed on each run.
        let constant = inputs[2]
        let compiled = CompiledFunction(state: [], inputs: [inputs[0], inputs[1], inputs[3], inputs[4]]) { _, x in
            ([], [weightedSum([x[0], x[1], constant, x[2], x[3]], weights: weights)])
        }
        let fed = (0..<4).map { randomTensor([2, 3], seed: 50 + UInt64($0)) }
        compiled.run(fed)
        #expect(compiled.outputs[0] == weightedSum([fed[0], fed[1], constant, fed[2], fed[3]], weights: weights))
    }
}
