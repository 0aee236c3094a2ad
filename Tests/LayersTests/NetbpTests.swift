import Autograd
import Foundation
import Layers
import Testing

/// A row-major matrix of plain Doubles, for computing the back-propagation lemma by hand.
private struct Matrix {
    var rows: Int, columns: Int, values: [Double]

    init(_ tensor: Tensor<Double>) {
        (rows, columns, values) = (tensor.shape[0], tensor.rank == 2 ? tensor.shape[1] : 1, tensor.scalars)
    }

    init(rows: Int, columns: Int, values: [Double]) { (self.rows, self.columns, self.values) = (rows, columns, values) }

    /// M v, or Mᵀ v when `transposed`.
    func times(_ v: [Double], transposed: Bool = false) -> [Double] {
        let (outputs, inputs) = transposed ? (columns, rows) : (rows, columns)
        return (0..<outputs).map { i in
            (0..<inputs).reduce(0) { sum, k in sum + (transposed ? values[k * columns + i] : values[i * columns + k]) * v[k] }
        }
    }

    /// The outer product u vᵀ.
    static func outer(_ u: [Double], _ v: [Double]) -> Matrix {
        Matrix(rows: u.count, columns: v.count, values: u.flatMap { a in v.map { a * $0 } })
    }
}

private func σ(_ z: [Double]) -> [Double] { z.map { 1 / (1 + Foundation.exp(-$0)) } }
private func σPrime(_ z: [Double]) -> [Double] { σ(z).map { $0 * (1 - $0) } }
private func hadamard(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map(*) }
private func plus(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map(+) }

@Suite("The seeds' netbp networks")
struct NetbpTests {
    /// Lemma 5.1 of seed 004 by hand: δ^[L] = σ′(z^[L]) ∘ (a^[L] − y), δ^[l] = σ′(z^[l]) ∘ (W^[l+1])ᵀ δ^[l+1],
    /// ∂C/∂b^[l] = δ^[l], ∂C/∂W^[l] = δ^[l] (a^[l−1])ᵀ, for C = ½‖y − a^[L]‖².
    @Test("gradients of the layer network equal Lemma 5.1 computed by hand", arguments: [2, 3])
    func lemma51(inputSize: Int) {
        var generator = SeededGenerator(seed: 5000)
        let model = Sequential<Double>.netbp(inputSize: inputSize, using: &generator)
        // The first point of the seeds' data set (x3 is the thesis's), category A: y = (1, 0).
        let point = Array([0.1, 0.1, 0.1].prefix(inputSize)), y = [1.0, 0.0]

        let (cost, gradient) = model.valueWithGradient { model in
            quadraticCost(model(Tensor(point, shape: [1, inputSize])), Tensor(y, shape: [1, 2]))
        }

        let p = model.parameters.map(\.value)
        let (w2, b2, w3, b3, w4, b4) = (Matrix(p[0]), p[1].scalars, Matrix(p[2]), p[3].scalars, Matrix(p[4]), p[5].scalars)
        let z2 = plus(w2.times(point), b2), a2 = σ(z2)
        let z3 = plus(w3.times(a2), b3), a3 = σ(z3)
        let z4 = plus(w4.times(a3), b4), a4 = σ(z4)
        let δ4 = hadamard(σPrime(z4), zip(a4, y).map(-))
        let δ3 = hadamard(σPrime(z3), w4.times(δ4, transposed: true))
        let δ2 = hadamard(σPrime(z2), w3.times(δ3, transposed: true))
        let byHand = [Matrix.outer(δ2, point).values, δ2, Matrix.outer(δ3, a2).values, δ3, Matrix.outer(δ4, a3).values, δ4]

        #expect(abs(cost.scalar - 0.5 * zip(y, a4).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }) < 1e-14)
        #expect(gradient.count == byHand.count)
        for (index, (tape, hand)) in zip(gradient, byHand).enumerated() {
            #expect(tape.scalars.count == hand.count)
            for (a, b) in zip(tape.scalars, hand) {
                #expect(abs(a - b) <= 1e-14 + 1e-12 * abs(b), "parameter \(index): tape \(a), Lemma 5.1 \(b)")
            }
        }
        #expect(δ2.contains { abs($0) > 1e-6 }, "the check needs a gradient that reaches the first layer")
    }

    @Test("2-2-3-2 has 23 parameters and the seeds' shapes")
    func seed004Network() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.netbp(using: &generator)
        #expect(model.parameterCount == 23)
        #expect(model.parameters.map(\.value.shape) == [[2, 2], [2], [3, 2], [3], [2, 3], [2]])
        #expect(model.parameters.map(\.name) == ["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias",
                                                 "dense3.weight", "dense3.bias"])
    }

    @Test("3-2-3-2 has 25 parameters, with W3 of shape 3 × 2 (the thesis's 3 × 3 is a typo)")
    func thesisNetwork() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float>.netbp(inputSize: 3, using: &generator)
        #expect(model.parameterCount == 25)
        #expect(model.parameters.map(\.value.shape) == [[2, 3], [2], [3, 2], [3], [2, 3], [2]])
    }

    @Test("every weight and bias is drawn as 0.5·N(0, 1)")
    func netbpInitialisation() {
        // Pool the parameters of many seeded networks: their spread must be 0.5, not 1.
        var generator = SeededGenerator(seed: 2)
        let values = (0..<400).flatMap { _ in
            Sequential<Double>.netbp(using: &generator).parameters.flatMap(\.value.scalars)
        }
        let n = Double(values.count)
        let variance = values.reduce(0) { $0 + $1 * $1 } / n
        #expect(abs(variance - 0.25) < 5 * 0.25 * (2 / n).squareRoot(), "variance \(variance) over \(values.count) draws")
    }
}
