import Autograd
import Layers
import Testing
import Train

@Suite("Weight decay applies to weights only, not to biases, normalisations or embeddings")
struct ParameterRoleDecayTests {
    @Test("a small GPT: exactly its weight matrices are decayed")
    func gptDecay() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.gpt(vocabularySize: 5, contextLength: 4, width: 4, headCount: 2, blockCount: 1, using: &generator)
        let decayed = model.parameterInfo.filter(\.isDecayed).map(\.name)
        #expect(decayed == model.parameters.filter { $0.role == .weight }.map(\.name))
        #expect(decayed == ["block1.attention.projection.weight", "block1.attention.output.weight", "block1.fc1.weight",
                            "block1.fc2.weight", "head.weight"])
    }
}
