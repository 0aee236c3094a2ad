import Foundation
import Testing
import Autograd
import Layers
@testable import Train

@Suite("Language-model training: next-token loss, token windows, generation")
struct LanguageModelTrainingTests {
    /// Logits [2, 3, 4] and labels [2, 3] of a tiny batch.
    static let logits = Tensor<Double>((0..<24).map { sin(Double($0) * 1.7) * 2 }, shape: [2, 3, 4])
    static let labels = Tensor<Int32>([3, 0, 2, 1, 1, 0], shape: [2, 3])

    @Test("next-token cross-entropy is the mean over all B·T positions of −log softmax at the label")
    func lossByHand() {
        let scalars = Self.logits.scalars
        var total = 0.0
        for (position, label) in Self.labels.scalars.enumerated() {
            let row = scalars[position * 4..<position * 4 + 4]
            total += log(row.map { exp($0) }.reduce(0, +)) - row[row.startIndex + Int(label)]
        }
        let loss = Loss<Double>.nextTokenCrossEntropy(Self.logits, .labels(Self.labels))
        #expect(abs(loss.scalar - total / 6) < 1e-13)
    }

    @Test("next-token cross-entropy's gradient matches finite differences in Double")
    func lossGradient() {
        let report = checkGradients(of: { Loss<Double>.nextTokenCrossEntropy($0[0], .labels(Self.labels)) }, at: [Self.logits])
        #expect(report.passes, "\(report)")
    }

    @Test("next-token cross-entropy stops on labels that are not [B, T], naming both shapes")
    func lossShapeError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Loss<Double>.nextTokenCrossEntropy(LanguageModelTrainingTests.logits, .labels(Tensor([1, 2, 3], shape: [3])))
        }
        let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(message.contains("nextTokenCrossEntropy: logits of shape [2, 3, 4] and labels of shape [3] differ"), "\(message)")
    }

    @Test("the loop's metrics count every position: per-token accuracy of [B, T, V] outputs")
    func perTokenAccuracy() {
        // Position p predicts class p % 4; labels 0, 1, 2, 3, 0, 0 → positions 0–4 right, 5 wrong.
        let scores: [Double] = (0..<24).map { (index: Int) -> Double in index % 4 == (index / 4) % 4 ? 1 : 0 }
        let outputs = Tensor<Double>(scores, shape: [2, 3, 4])
        var metrics = RunningMetrics(topK: 2)
        metrics.add(loss: 1, outputs: outputs, targets: .labels(Tensor([0, 1, 2, 3, 0, 0], shape: [2, 3])),
                    lossFunction: .nextTokenCrossEntropy)
        #expect(metrics.examples == 6)
        #expect(abs(metrics.accuracy - 5.0 / 6) < 1e-12)
    }

    /// 50 ids: 0…6, then 3…9, and again.
    static let ids: ArraySlice<Int32> = ArraySlice((0..<50).map { (index: Int) -> Int32 in Int32(index % 7 + 3 * (index / 7 % 2)) })

    @Test("token windows: inputs [B, T] as whole numbers, labels the same ids one position later")
    func windowsShiftByOne() throws {
        let windows = TokenWindows<Float>.random(from: Self.ids, length: 5, count: 12, seed: 3)
        let batch = windows.trainingBatch([0, 7, 7, 11])
        #expect(batch.inputs.shape == [4, 5])
        guard case .labels(let labels) = batch.targets else { Issue.record("expected labels"); return }
        #expect(labels.shape == [4, 5])
        #expect(batch.count == 20, "each position is an example of the loss")
        let inputs = batch.inputs.scalars.map { Int32($0) }, next = labels.scalars
        for (row, index) in [0, 7, 7, 11].enumerated() {
            let start = windows.start(ofWindow: index)
            #expect((0...44).contains(start))
            let range = row * 5..<row * 5 + 5
            let expectedInputs = Array(Self.ids[start..<start + 5]), expectedLabels = Array(Self.ids[start + 1...start + 5])
            #expect(Array(inputs[range]) == expectedInputs)
            #expect(Array(next[range]) == expectedLabels)
        }
    }

    @Test("random windows depend on the seed, the epoch and the index alone, and change with the epoch")
    func windowsDeterministic() {
        let a = TokenWindows<Float>.random(from: Self.ids, length: 5, count: 32, seed: 3)
        let b = TokenWindows<Float>.random(from: Self.ids, length: 5, count: 32, seed: 3)
        let c = TokenWindows<Float>.random(from: Self.ids, length: 5, count: 32, seed: 4)
        let position = TrainingPosition(epoch: 2, step: 1, stepsPerEpoch: 4)
        #expect(a.trainingBatch(0..<32, at: position).inputs == b.trainingBatch(0..<32, at: position).inputs)
        #expect(a.trainingBatch(0..<32).inputs != c.trainingBatch(0..<32).inputs)
        #expect(a.trainingBatch(0..<32, at: position).inputs != a.trainingBatch(0..<32).inputs)
        var starts = Set<Int>()
        for index in 0..<32 { for epoch in 0..<3 { starts.insert(a.start(ofWindow: index, epoch: epoch)) } }
        #expect(starts.count > 25, "96 draws from 45 starts should cover most of them, got \(starts.count)")
    }

    @Test("evenly spaced validation windows: fixed, non-overlapping, inside the held-out text only")
    func validationWindows() throws {
        let corpus = try TextCorpus(bytes: Array(String(repeating: "to be or not to be, ", count: 10).utf8))
        let (training, held) = corpus.split(heldOutFraction: 0.2)
        let windows = TokenWindows<Float>.evenlySpaced(from: held, length: 8)
        #expect(windows.count == (held.count - 1) / 8)
        let starts = (0..<windows.count).map { windows.start(ofWindow: $0) }
        #expect(starts.first == 0 && starts.last == held.count - 9)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 >= 8 }, "\(starts)")
        #expect(windows.trainingBatch(0..<2, at: TrainingPosition(epoch: 5)).inputs == windows.trainingBatch(0..<2).inputs)
        // Every label is an id of the held-out text, never of the training text before it.
        guard case .labels(let labels) = windows.trainingBatch(0..<1).targets else { Issue.record("expected labels"); return }
        #expect(Array(labels.scalars) == Array(held[held.startIndex + 1...held.startIndex + 8]))
        #expect(held.startIndex == training.endIndex)
        #expect(TokenWindows<Float>.evenlySpaced(from: held, length: 8, count: 2).count == 2)
    }

    /// A "model" whose logits at each position favour the id after the input id (id + 1 mod V):
    /// an embedding table 5 · (cyclic shift), then a zero position table of `contextLength`
    /// rows, which stops on a longer input (so generation must crop its context).
    static func successorModel(vocabulary: Int, contextLength: Int = 3) -> Sequential<Float> {
        let shift = Tensor<Float>((0..<vocabulary * vocabulary).map { $0 % vocabulary == ($0 / vocabulary + 1) % vocabulary ? 5 : 0 },
                                  shape: [vocabulary, vocabulary])
        return Sequential {
            Embedding(table: shift)
            PositionalEmbedding(table: Tensor<Float>.zeros([contextLength, vocabulary]))
        }
    }

    @Test("greedy generation follows the model's largest logit; the context is cropped to its length")
    func greedy() {
        var generator = SeededGenerator(seed: 1)
        let model = Self.successorModel(vocabulary: 6, contextLength: 1)
        let tokens = model.generatedTokens(after: [4, 2], count: 7, contextLength: 1, sampling: .greedy, using: &generator)
        #expect(tokens == [3, 4, 5, 0, 1, 2, 3])
    }

    @Test("temperature sampling is reproducible with a seed and gives only vocabulary ids")
    func temperature() {
        let model = Self.successorModel(vocabulary: 6)
        func sample(seed: UInt64, temperature: Double) -> [Int32] {
            var generator = SeededGenerator(seed: seed)
            return model.generatedTokens(after: [0], count: 40, contextLength: 3, sampling: .temperature(temperature), using: &generator)
        }
        #expect(sample(seed: 5, temperature: 3) == sample(seed: 5, temperature: 3))
        #expect(sample(seed: 5, temperature: 3) != sample(seed: 6, temperature: 3))
        #expect(sample(seed: 5, temperature: 3).allSatisfy { (0..<6).contains($0) })
        // A cold temperature makes the 5-logit margin decisive: the greedy sequence.
        var generator = SeededGenerator(seed: 5)
        #expect(sample(seed: 5, temperature: 0.01)
                == model.generatedTokens(after: [0], count: 40, contextLength: 3, sampling: .greedy, using: &generator))
    }

    @Test("generated text: a prompt character outside the vocabulary throws, naming it")
    func unknownPromptCharacter() throws {
        let corpus = try TextCorpus(bytes: Array("abcdef".utf8))
        let model = Self.successorModel(vocabulary: 6)
        var generator = SeededGenerator(seed: 1)
        #expect(try model.generatedText(after: "ab", in: corpus, count: 3, contextLength: 3, sampling: .greedy, using: &generator) == "cde")
        let error = try #require(throws: DataError.self) {
            try model.generatedText(after: "abz", in: corpus, count: 3, contextLength: 3, sampling: .greedy, using: &generator)
        }
        #expect(error.kind == .badValue)
        #expect("\(error)".contains("prompt: byte 122 at offset 2"), "\(error)")
    }

    @Test("fit trains a tiny GPT on token windows: the loss falls, validation per token, an empty batch works")
    func fitTinyGPT() throws {
        let corpus = try TextCorpus(bytes: Array(String(repeating: "abcabd", count: 30).utf8))
        let (training, held) = corpus.split()
        var generator = SeededGenerator(seed: 2)
        let model = Sequential<Float>.gpt(vocabularySize: corpus.vocabulary.count, contextLength: 6, width: 8, headCount: 2,
                                          blockCount: 1, using: &generator)
        var trainer = Trainer(model: model, optimizer: Adam<Float>.adamW(learningRate: 0.02, weightDecay: 0.1), loss: .nextTokenCrossEntropy,
                              seed: 2)
        trainer.progress = ProgressReporter(style: .silent)
        let history = try trainer.fit(training: TokenWindows<Float>.random(from: training, length: 6, count: 32, seed: 2),
                                      validation: TokenWindows<Float>.evenlySpaced(from: held, length: 6), epochs: 4, batchSize: 8)
        let first = try #require(history.epochs.first?.trainingLoss), last = try #require(history.epochs.last?.trainingLoss)
        #expect(first > last && last < 1, "loss \(first) → \(last)")
        #expect(history.epochs.last?.validationLoss.map { $0.isFinite } == true)
        var context = ForwardContext.inference
        let empty = trainer.model(Tensor<Float>.zeros([0, 6]), context: &context)
        #expect(empty.shape == [0, 6, corpus.vocabulary.count])
        #expect(Loss<Float>.nextTokenCrossEntropy(empty, .labels(Tensor<Int32>([], shape: [0, 6]))).scalar == 0)
    }

    @Test("Training.md's language-model example, smaller, on a file in Shakespeare's place: fit, validation loss, generated text")
    func trainingDocExample() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        let play = String(repeating: "O Romeo, Romeo! wherefore art thou Romeo?\n", count: 12)
        try Data(play.utf8).write(to: URL(fileURLWithPath: folder + "/shakespeare.txt"))

        let corpus = try Datasets.shakespeare(file: folder + "/shakespeare.txt")
        let (training, validation) = corpus.split(heldOutFraction: 0.1)
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.gpt(vocabularySize: corpus.vocabulary.count, contextLength: 8, width: 8,
                                          headCount: 2, blockCount: 1, using: &generator)
        var trainer = Trainer(model: model, optimizer: Adam<Float>.adamW(learningRate: 3e-3, weightDecay: 0.1, epsilon: 1e-8),
                              loss: .nextTokenCrossEntropy, seed: 1)
        trainer.progress = ProgressReporter(style: .silent)
        let history = try trainer.fit(training: TokenWindows<Float>.random(from: training, length: 8, count: 4 * 4, seed: 1),
                                      validation: TokenWindows<Float>.evenlySpaced(from: validation, length: 8, count: 4),
                                      epochs: 2, batchSize: 4)
        let text = try trainer.model.generatedText(after: "ROMEO:", in: corpus, count: 20, contextLength: 8,
                                                   sampling: .temperature(0.8), using: &generator)

        let loss = try #require(history.epochs.last?.validationLoss)
        #expect(loss > 0 && loss < log(96) + 1, "an untrained model is near ln 96 ≈ 4.56 nats: \(loss)")
        #expect(text.utf8.count == 20 && text.utf8.allSatisfy { TextCorpus.printableASCII.contains($0) })
    }
}
