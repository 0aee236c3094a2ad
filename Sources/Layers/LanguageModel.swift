import Autograd

extension Sequential {
    /// A GPT-like decoder-only language model, from token ids [B, T] (whole numbers, T ≤
    /// `contextLength`) to logits [B, T, vocabularySize] for the next token at every position:
    ///
    /// - `token`: an ``Embedding`` of the ids, `position`: a ``PositionalEmbedding`` added to it;
    /// - `block1` … `blockN`: `blockCount` causal pre-LayerNorm ``TransformerBlock``s with
    ///   `headCount` heads, a perceptron of `hiddenWidth` (default 4 · width) and `activation`
    ///   (default: GELU's tanh form, GPT-2's);
    /// - `norm`: a final ``LayerNorm``, and `head`: a ``Dense`` output projection to the vocabulary.
    ///
    /// Embeddings start as N(0, 0.02²) (GPT-2's), dense layers as Glorot uniform with zero biases.
    /// The peers' benchmark (vocabulary 96, context 128, width 128, 4 heads, 4 blocks) has
    /// 834,400 parameters.
    public static func gpt(
        vocabularySize: Int, contextLength: Int, width: Int, headCount: Int, blockCount: Int, hiddenWidth: Int? = nil,
        activation: Activation<Scalar>.Function = .geluTanh, dropoutRate: Double = 0,
        using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line
    ) -> Sequential {
        guard blockCount >= 0 else { fatalError("gpt: blockCount \(blockCount) must not be negative", file: file, line: line) }
        return Sequential(file: file, line: line) {
            Embedding(vocabularySize: vocabularySize, width: width, initializer: .gaussian(scale: 0.02), using: &generator,
                      file: file, line: line).named("token")
            PositionalEmbedding(maximumLength: contextLength, width: width, initializer: .gaussian(scale: 0.02), using: &generator,
                                file: file, line: line).named("position")
            for block in 0..<blockCount {
                TransformerBlock(width: width, headCount: headCount, hiddenWidth: hiddenWidth, activation: activation, isCausal: true,
                                 dropoutRate: dropoutRate, using: &generator, file: file, line: line).named("block\(block + 1)")
            }
            LayerNorm(width: width, file: file, line: line).named("norm")
            Dense(inputSize: width, outputSize: vocabularySize, using: &generator, file: file, line: line).named("head")
        }
    }
}
