import Autograd
import Foundation
import Layers

/// How a language model's next token is chosen from its logits z at the last position.
public enum TokenSampling: Hashable, Sendable {
    /// The most likely token, argmax z (the first of equal ones).
    case greedy
    /// A token drawn from softmax(z / temperature): below 1 sharper than the model, above 1
    /// flatter; the temperature must be positive.
    case temperature(Double)
}

extension Module {
    /// The `count` token ids a language model (ids [1, T] as whole numbers → logits [1, T, V])
    /// appends to `prompt`, one at a time: each step feeds the last `contextLength` ids (the
    /// model's context; earlier ones are cropped) in inference mode and picks the next id from
    /// the last position's logits by `sampling`, drawing from `generator`. The prompt must hold
    /// at least one id.
    public func generatedTokens(
        after prompt: [Int32], count: Int, contextLength: Int, sampling: TokenSampling,
        using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line
    ) -> [Int32] {
        guard !prompt.isEmpty, count >= 0, contextLength > 0 else {
            fatalError("generatedTokens: needs a prompt of at least one id, count ≥ 0 and a positive context length, "
                       + "not \(prompt.count) ids, count \(count), context \(contextLength)", file: file, line: line)
        }
        if case .temperature(let temperature) = sampling, !(temperature > 0 && temperature.isFinite) {
            fatalError("generatedTokens: temperature \(temperature) must be positive and finite", file: file, line: line)
        }
        var ids = prompt
        var context = ForwardContext.inference
        for _ in 0..<count {
            let window = ids.suffix(contextLength)
            let logits = self(Tensor(window.map { Scalar(Int($0)) }, shape: [1, window.count]), context: &context)
            guard logits.rank == 3, logits.shape[0] == 1, logits.shape[1] == window.count else {
                fatalError("generatedTokens: the model gives \(logits.shape) for ids [1, \(window.count)], not [1, \(window.count), V]",
                           file: file, line: line)
            }
            let last = logits.scalars.suffix(logits.shape[2]).map { Double($0) }
            ids.append(Int32(nextToken(last, sampling: sampling, using: &generator)))
        }
        return Array(ids.dropFirst(prompt.count))
    }

    /// The text a character-level language model over `corpus`'s vocabulary appends to
    /// `prompt` (see ``generatedTokens(after:count:contextLength:sampling:using:file:line:)``).
    /// Throws ``DataError`` `badValue`, naming the character, for a prompt character outside the
    /// vocabulary, and `empty` for an empty prompt.
    public func generatedText(
        after prompt: String, in corpus: TextCorpus, count: Int, contextLength: Int, sampling: TokenSampling,
        using generator: inout some RandomNumberGenerator
    ) throws -> String {
        let ids = try corpus.encoded(prompt, name: "prompt")
        return corpus.text(of: generatedTokens(after: ids, count: count, contextLength: contextLength, sampling: sampling,
                                               using: &generator))
    }
}

/// The index chosen from `logits` by `sampling`.
func nextToken(_ logits: [Double], sampling: TokenSampling, using generator: inout some RandomNumberGenerator) -> Int {
    let largest = logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) } ?? 0
    guard case .temperature(let temperature) = sampling else { return largest }
    let weights = logits.map { Foundation.exp(($0 - logits[largest]) / temperature) }
    var remaining = Double.random(in: 0..<1, using: &generator) * weights.reduce(0, +)
    for (index, weight) in weights.enumerated() {
        remaining -= weight
        if remaining < 0 { return index }
    }
    return largest
}
