import Autograd
import Foundation
import Layers
import Testing

/// One case of Fixtures/sequence-layers.json, written by scripts/make-sequence-fixtures.py with PyTorch.
private struct SequenceFixture: Decodable {
    /// A row-major tensor.
    struct Values: Decodable {
        let shape: [Int]
        let values: [Double]
        var tensor: Tensor<Double> { Tensor(values, shape: Shape(shape)) }
    }

    let headCount: Int
    let isCausal: Bool
    let hiddenWidth: Int?
    /// The parameters under their Swift names, `x`, the cotangent `u`, the output `y`, and the
    /// gradients of sum(u ∘ y): `dx` and `d.<parameter name>`.
    let tensors: [String: Values]

    static func load(_ name: String) throws -> SequenceFixture {
        let url = try #require(Bundle.module.url(forResource: "sequence-layers", withExtension: "json", subdirectory: "Fixtures"))
        struct File: Decodable { let cases: [String: SequenceFixture] }
        return try #require(try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases[name])
    }

    func tensor(_ name: String) throws -> Tensor<Double> { try #require(tensors[name], "\(name) missing from the fixture").tensor }
}

/// The largest |a − b| over two tensors of one shape (infinity when the shapes differ).
private func largestDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

/// Loads the parameters of the fixture case `name` by name into the module `make` builds (from the
/// case and the input's width), then compares its output and the gradients of sum(u ∘ y) with
/// respect to the input and every parameter with PyTorch's, to 1e-5.
private func expectAgreement(
    _ name: String, _ make: (SequenceFixture, _ width: Int, inout SeededGenerator) -> some Module<Double>
) throws {
    let fixture = try SequenceFixture.load(name)
    var generator = SeededGenerator(seed: 1)
    var model = make(fixture, try fixture.tensor("x").shape[2], &generator)
    let names = model.parameters.map(\.name)
    let fixtureNames = Set(fixture.tensors.keys.filter { !$0.hasPrefix("d.") && !["x", "u", "y", "dx"].contains($0) })
    #expect(Set(names) == fixtureNames)
    model.replaceParameters(with: try names.map { try fixture.tensor($0) })
    let (x, u) = (try fixture.tensor("x"), try fixture.tensor("u"))
    let (value, gradients) = valueWithGradient(at: [x] + model.parameters.map(\.value)) { arguments in
        var copy = model
        copy.replaceParameters(with: Array(arguments.dropFirst()))
        return (copy(arguments[0]) * u).sum()
    }
    #expect(largestDifference(model(x), try fixture.tensor("y")) < 1e-5)
    #expect(abs(value.scalars[0] - (try fixture.tensor("y") * u).sum().scalars[0]) < 1e-5)
    for (name, gradient) in zip(["x"] + names, gradients) {
        let difference = largestDifference(gradient, try fixture.tensor("d" + (name == "x" ? "x" : "." + name)))
        #expect(difference < 1e-5, "gradient of \(name): differs from PyTorch's by \(difference)")
    }
}

@Suite("Sequence layers against PyTorch on fixed weights (Fixtures/sequence-layers.json)")
struct SequenceFixtureTests {
    @Test("MultiHeadAttention equals nn.MultiheadAttention (its in_proj is the fused projection)")
    func attention() throws {
        try expectAgreement("attention") { fixture, width, generator in
            MultiHeadAttention(width: width, headCount: fixture.headCount, isCausal: fixture.isCausal, using: &generator)
        }
    }

    @Test("TransformerBlock equals the peers' block (pre-LayerNorm, causal, GELU tanh form)")
    func block() throws {
        try expectAgreement("block") { fixture, width, generator in
            TransformerBlock(width: width, headCount: fixture.headCount, hiddenWidth: fixture.hiddenWidth, activation: .geluTanh,
                             isCausal: fixture.isCausal, using: &generator)
        }
    }

    @Test("LSTM equals nn.LSTM (gates i, f, g, o), every step's hidden state")
    func lstm() throws {
        try expectAgreement("lstm") { fixture, width, generator in
            LSTM(inputSize: width, hiddenSize: fixture.hiddenWidth ?? 0, using: &generator)
        }
    }

    @Test("GRU equals nn.GRU (gates r, z, n), every step's hidden state")
    func gru() throws {
        try expectAgreement("gru") { fixture, width, generator in
            GRU(inputSize: width, hiddenSize: fixture.hiddenWidth ?? 0, using: &generator)
        }
    }
}
