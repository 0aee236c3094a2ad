import Autograd
import Layers
import Testing
import Train

/// A model of token ids that is `Parameterized` but no `Module` (its input is not a tensor of
/// its scalar type), as Docs/Layers.md's "Token ids and the Module protocol" writes one.
private struct CharacterModel: Parameterized {
    var tokens: Embedding<Float>
    var norm: LayerNorm<Float>
    var head: Dense<Float>

    init(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        tokens = Embedding(vocabularySize: 6, width: 4, using: &generator)
        norm = LayerNorm(width: 4)
        head = Dense(inputSize: 4, outputSize: 6, using: &generator)
    }

    func callAsFunction(_ ids: Tensor<Int32>) -> Tensor<Float> { head(norm(tokens(ids))) }

    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Float>) -> Void) {
        tokens.visitParameters(prefixedBy: "tokens", visit)
        norm.visitParameters(prefixedBy: "norm", visit)
        head.visitParameters(prefixedBy: "head", visit)
    }
}

@Suite("Training a Parameterized model that takes token ids")
struct ParameterizedTrainingTests {
    static let ids = Tensor<Int32>([0, 1, 2, 3, 4, 5, 0, 2])
    static let next = Tensor<Int32>([1, 2, 3, 4, 5, 0, 2, 4])

    private static func loss(_ model: CharacterModel) -> Tensor<Float> {
        softmaxCrossEntropy(logits: model(ids), labels: next)
    }

    @Test("optimisers with groups, the L2 penalty and model files take it: the loss falls, frozen stays, files round-trip")
    func optimiserGroupsAndFiles() throws {
        var model = CharacterModel(seed: 1)
        var optimizer = Adam<Float>.adamW(learningRate: 0.05, weightDecay: 0.1)
        let info = model.parameterInfo(groups: [.frozen(["norm"])])
        #expect(info.map(\.isDecayed) == [false, false, false, true, false], "only the head's weight is decayed")
        let frozen = model.norm.parameters.map(\.value)
        let before = Self.loss(model).scalar
        for _ in 0..<5 {
            let (_, gradient) = model.valueWithGradient { Self.loss($0) + l2Penalty(of: $0, lambda: 0.01, exampleCount: 8) }
            optimizer.update(&model, along: gradient, info: info)
        }
        #expect(Self.loss(model).scalar < before)
        #expect(model.norm.parameters.map(\.value) == frozen)

        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        try model.save(to: folder + "/characters.safetensors")
        var loaded = CharacterModel(seed: 2)
        try loaded.load(from: folder + "/characters.safetensors")
        #expect(loaded.parameters.map(\.value) == model.parameters.map(\.value))
        #expect(loaded(Self.ids) == model(Self.ids))
    }
}
