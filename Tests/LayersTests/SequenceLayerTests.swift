import Autograd
import Layers
import Testing

/// Checks the derivatives of `model` with respect to its parameters alone, on a fixed input
/// (token ids must stay whole numbers, so the input is not perturbed).
private func checkParameterGradients(_ model: some Module<Double>, input: Tensor<Double>) -> GradientCheckReport {
    checkGradients(of: { parameters in
        var copy = model
        copy.replaceParameters(with: parameters)
        return copy(input)
    }, at: model.parameters.map(\.value))
}

/// `value` with commas between groups of three digits, as the summary writes counts.
private func grouped(_ value: Int) -> String {
    let digits = String(value)
    return digits.enumerated().map { index, digit in (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digit) }.joined()
}

@Suite("Embeddings, LayerNorm, attention, Transformer blocks and the GPT builder")
struct SequenceLayerTests {
    @Test("Embedding: the table's rows at the ids, typed or as whole numbers; repeated ids add up in the gradient")
    func embeddingLookupAndGradient() {
        var generator = SeededGenerator(seed: 1)
        let layer = Embedding<Double>(vocabularySize: 5, width: 3, using: &generator)
        let ids: [Int32] = [1, 3, 1, 0, 1, 4]
        let idTensor = Tensor<Int32>(ids.map(Int.init), shape: [2, 3])
        let vectors = layer(idTensor)
        #expect(vectors.shape == [2, 3, 3])
        #expect(vectors.scalars == ids.flatMap { layer.table[Int($0), .all].scalars })
        #expect(layer(Tensor<Double>(idTensor)).scalars == vectors.scalars)

        let cotangent = seededTensor([2, 3, 3], seed: 2)
        let gradient = layer.valueWithGradient { (($0(Tensor<Double>(idTensor)) * cotangent).sum()) }.gradient[0]
        var expected = [Double](repeating: 0, count: 15)
        for (position, id) in ids.enumerated() {
            for column in 0..<3 { expected[Int(id) * 3 + column] += cotangent.scalars[position * 3 + column] }
        }
        #expect(gradient.shape == [5, 3])
        #expect(zip(gradient.scalars, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(gradient[2, .all].scalars == [0, 0, 0])
        #expect(checkParameterGradients(layer, input: Tensor<Double>(idTensor)).passes)
        #expect(layer.parameters.map(\.role) == [.embedding])
    }

    @Test("Embedding: an id outside the vocabulary stops with the id and its position")
    func embeddingOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Embedding<Float>(vocabularySize: 5, width: 2, using: &generator)(Tensor<Int32>([2, 7, 0]))
        }
        expectStop(result, mentions: ["embedding", "index 7", "outside 0..<5"])
    }

    @Test("Embedding as a module: an id that is not a whole number stops with the layer's name")
    func embeddingFractionalId() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = Embedding<Float>(vocabularySize: 5, width: 2, using: &generator)(Tensor<Float>([2, 1.5], shape: [1, 2]))
        }
        expectStop(result, mentions: ["Embedding(5 × 2)", "1.5", "not a whole number"])
    }

    @Test("PositionalEmbedding adds row t of its table at position t")
    func positionalEmbedding() {
        var generator = SeededGenerator(seed: 3)
        let layer = PositionalEmbedding<Double>(maximumLength: 6, width: 2, using: &generator)
        let x = seededTensor([2, 4, 2], seed: 4)
        let y = layer(x)
        for (index, value) in y.scalars.enumerated() {
            #expect(abs(value - x.scalars[index] - layer.positions.table.scalars[index % 8]) < 1e-15)
        }
        #expect(layer.parameters.map(\.name) == ["table"] && layer.parameters.map(\.role) == [.embedding])
    }

    @Test("PositionalEmbedding: a sequence longer than its table stops with the layer and both shapes")
    func positionalEmbeddingTooLong() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = PositionalEmbedding<Float>(maximumLength: 3, width: 2, using: &generator)(Tensor<Float>.zeros([1, 4, 2]))
        }
        expectStop(result, mentions: ["PositionalEmbedding(3 × 2)", "[batch, time ≤ 3, 2]", "[1, 4, 2]"])
    }

    @Test("LayerNorm equals (x − mean) / √(variance + ε) · scale + shift computed row by row")
    func layerNormFormula() {
        let (scale, shift) = (seededTensor([4], seed: 5), seededTensor([4], seed: 6))
        let layer = LayerNorm(scale: scale, shift: shift, epsilon: 1e-3)
        let x = seededTensor([3, 2, 4], seed: 7) * 5
        let y = layer(x)
        for row in 0..<6 {
            let values = Array(x.scalars[(row * 4)..<(row * 4 + 4)])
            let mean = values.reduce(0, +) / 4
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            for column in 0..<4 {
                let expected = (values[column] - mean) / (variance + 1e-3).squareRoot() * scale.scalars[column] + shift.scalars[column]
                #expect(abs(y.scalars[row * 4 + column] - expected) < 1e-12)
            }
        }
        #expect(layer.parameters.map(\.role) == [.scale, .shift])
    }

    @Test("causal attention: an output depends on its own and earlier positions only")
    func causality() {
        var generator = SeededGenerator(seed: 8)
        let causal = MultiHeadAttention<Double>(width: 4, headCount: 2, isCausal: true, using: &generator)
        let bidirectional = MultiHeadAttention<Double>(projection: causal.projection, output: causal.output, headCount: 2)
        let x = seededTensor([1, 5, 4], seed: 9)
        let changed = concatenate([x[.all, 0..<3, .all], seededTensor([1, 2, 4], seed: 10)], alongAxis: 1)
        let (before, after) = (causal(x), causal(changed))
        #expect(before[.all, 0..<3, .all].scalars == after[.all, 0..<3, .all].scalars)
        #expect(before[.all, 3..., .all].scalars != after[.all, 3..., .all].scalars)
        #expect(bidirectional(x)[.all, 0..<3, .all].scalars != bidirectional(changed)[.all, 0..<3, .all].scalars)
    }

    @Test("attention over one position is the output projection of the values (softmax of one score is 1)")
    func singlePosition() {
        var generator = SeededGenerator(seed: 11)
        let attention = MultiHeadAttention<Double>(width: 6, headCount: 3, biasInitializer: .gaussian(scale: 1), using: &generator)
        let x = seededTensor([3, 1, 6], seed: 12)
        let rows = x.reshaped(to: [3, 6])
        let values = Dense(weight: attention.projection.weight[12..<18, .all], bias: attention.projection.bias[12..<18])(rows)
        let expected = attention.output(values)
        #expect(zip(attention(x).scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("MultiHeadAttention: a width that differs from the layer's stops with the layer and both shapes")
    func attentionShapeError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = MultiHeadAttention<Float>(width: 4, headCount: 2, isCausal: true, using: &generator)(Tensor<Float>.zeros([2, 3, 5]))
        }
        expectStop(result, mentions: ["MultiHeadAttention(4, 2 heads, causal)", "[batch, time, 4]", "[2, 3, 5]"])
    }

    @Test("LSTM and GRU: the last step's output is the last of every step's, and a sequence of no steps gives zeros")
    func recurrentOutputs() {
        var generator = SeededGenerator(seed: 15)
        let x = seededTensor([2, 4, 3], seed: 16)
        let lstm = LSTM<Double>(inputSize: 3, hiddenSize: 5, using: &generator)
        let gru = GRU<Double>(inputSize: 3, hiddenSize: 5, using: &generator)
        let layers: [(every: any Module<Double>, last: any Module<Double>)] = [
            (lstm, LSTM(inputWeight: lstm.inputWeight, hiddenWeight: lstm.hiddenWeight, inputBias: lstm.inputBias,
                        hiddenBias: lstm.hiddenBias, returning: .lastStep)),
            (gru, GRU(inputWeight: gru.inputWeight, hiddenWeight: gru.hiddenWeight, inputBias: gru.inputBias,
                      hiddenBias: gru.hiddenBias, returning: .lastStep)),
        ]
        for (every, last) in layers {
            let all = every(x)
            #expect(all.shape == [2, 4, 5])
            #expect(last(x).scalars == all[.all, 3, .all].scalars)
            #expect(every(Tensor<Double>.zeros([2, 0, 3])).shape == [2, 0, 5])
            #expect(last(Tensor<Double>.zeros([2, 0, 3])).scalars == [Double](repeating: 0, count: 10))
        }
        #expect(lstm.parameters.map(\.value.shape) == [[20, 3], [20, 5], [20], [20]])
        #expect(gru.parameters.map(\.value.shape) == [[15, 3], [15, 5], [15], [15]])
    }

    @Test("LSTM: an input of another width stops with the layer and both shapes")
    func recurrentShapeError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            _ = LSTM<Float>(inputSize: 3, hiddenSize: 2, returning: .lastStep, using: &generator)(Tensor<Float>.zeros([2, 4, 5]))
        }
        expectStop(result, mentions: ["LSTM(3 → 2, last step)", "[batch, time, 3]", "[2, 4, 5]"])
    }

    @Test("the peers' GPT configuration has 834,400 parameters, counted by role in the summary")
    func gptParameterCount() {
        let (v, t, d, f, blocks) = (96, 128, 128, 512, 4)
        var generator = SeededGenerator(seed: 13)
        let model = Sequential<Float>.gpt(vocabularySize: v, contextLength: t, width: d, headCount: 4, blockCount: blocks,
                                          hiddenWidth: f, using: &generator)
        #expect(model.parameterCount == 834_400)
        let summary = model.summary(inputShape: [t])
        let weights = blocks * (4 * d * d + 2 * d * f) + d * v, biases = blocks * (4 * d + f + d) + v
        let norms = (2 * blocks + 1) * d, embeddings = v * d + t * d
        #expect(weights + biases + 2 * norms + embeddings == 834_400)
        let total = "Total: 834,400 parameters (\(grouped(weights)) weights, \(grouped(biases)) biases, "
            + "\(grouped(norms)) scales, \(grouped(norms)) shifts, \(grouped(embeddings)) embeddings)"
        #expect(summary.hasSuffix(total), "\(summary)")
        let blockSize = (4 * d * d + 2 * d * f) + (4 * d + f + d) + 4 * d
        let rows: [(name: String, layer: String, count: Int)] = [
            ("token", "Embedding(96 × 128)", v * d), ("position", "PositionalEmbedding(128 × 128)", t * d),
            ("block4", "TransformerBlock(128, 4 heads, 512 hidden, GELU(tanh), causal)", blockSize), ("norm", "LayerNorm(128)", 2 * d),
        ]
        for row in rows {
            #expect(summary.split(separator: "\n").contains {
                $0.hasPrefix(row.name + " ") && $0.contains(row.layer) && $0.contains("128 × 128") && $0.hasSuffix(" " + grouped(row.count))
            }, "\(row.name): \(summary)")
        }
        #expect(model.parameters.prefix(3).map(\.name) == ["token.table", "position.table", "block1.norm1.scale"])
    }

    @Test("a tiny GPT: logits for every position, a training loss, and every parameter's gradient against finite differences")
    func tinyGPT() {
        var generator = SeededGenerator(seed: 14)
        let model = Sequential<Double>.gpt(vocabularySize: 5, contextLength: 4, width: 4, headCount: 2, blockCount: 1, hiddenWidth: 6,
                                           using: &generator)
        let ids = Tensor<Int32>([1, 4, 0, 2, 3, 3], shape: [2, 3])
        let next = Tensor<Int32>([4, 0, 2, 3, 3, 1])
        #expect(model(Tensor<Double>(ids)).shape == [2, 3, 5])
        let (loss, gradient) = model.valueWithGradient { model in
            softmaxCrossEntropy(logits: model(Tensor<Double>(ids)).reshaped(to: [6, 5]), labels: next)
        }
        #expect(loss.scalars[0] > 0 && loss.scalars[0].isFinite)
        #expect(zip(gradient, model.parameters).allSatisfy { $0.shape == $1.value.shape && $0.scalars.contains { $0 != 0 } })
        let report = checkParameterGradients(model, input: Tensor<Double>(ids))
        #expect(report.passes, "\(report)")
    }
}
