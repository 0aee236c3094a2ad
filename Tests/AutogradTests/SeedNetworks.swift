import Autograd

/// The ten training points of seed 004 Fig. 2.1 (coordinates x1, x2, as in Higham & Higham's
/// netbp.m), seed 000's added third coordinate x3, and the targets: points 1–5 are category A
/// (y = [1, 0]), points 6–10 category B (y = [0, 1]) (MATH.md §3.1).
enum TenPoints {
    static let x1: [Double] = [0.1, 0.3, 0.1, 0.6, 0.4, 0.6, 0.5, 0.9, 0.4, 0.7]
    static let x2: [Double] = [0.1, 0.4, 0.5, 0.9, 0.2, 0.3, 0.6, 0.2, 0.4, 0.6]
    static let x3: [Double] = [0.1, 0.2, 0.6, 0.9, 0.4, 0.5, 0.1, 0.2, 0.3, 0.8]
    static let count = 10

    /// Point `i` (0-based) with 2 coordinates (seed 004) or 3 (seed 000).
    static func point(_ i: Int, dimensions: Int) -> [Double] { Array([x1[i], x2[i], x3[i]].prefix(dimensions)) }

    /// The target of point `i` (0-based).
    static func target(_ i: Int) -> [Double] { i < 5 ? [1, 0] : [0, 1] }
}

/// A fully connected sigmoid network, a^[l] = σ(W^[l] a^[l−1] + b^[l]) for l = 2…L, with
/// W^[l] of shape n_l × n_{l−1} and b^[l] of n_l elements, every entry drawn from 0.5·N(0, 1)
/// as netbp initialises them (seed 004 §6).
struct SigmoidNetwork {
    /// W^[2], …, W^[L].
    let weights: [Tensor<Double>]
    /// b^[2], …, b^[L] (rank 1).
    let biases: [Tensor<Double>]

    /// A network with layer widths `sizes` (n_1 = input width first).
    init(sizes: [Int], seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var weights: [Tensor<Double>] = [], biases: [Tensor<Double>] = []
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            weights.append(Tensor(randomNormal: [fanOut, fanIn], standardDeviation: 0.5, using: &generator))
            biases.append(Tensor(randomNormal: [fanOut], standardDeviation: 0.5, using: &generator))
        }
        (self.weights, self.biases) = (weights, biases)
    }

    /// W^[2], b^[2], W^[3], b^[3], …: the order the forward functions below take.
    var parameters: [Tensor<Double>] { zip(weights, biases).flatMap { [$0, $1] } }

    /// a^[L] for inputs stored as the columns of an n_1 × N matrix: Z = W A + b (b broadcast
    /// along the columns), A = σ(Z), through the tape's primitives.
    static func outputs(of parameters: [Tensor<Double>], columns inputs: Tensor<Double>) -> Tensor<Double> {
        stride(from: 0, to: parameters.count, by: 2).reduce(inputs) { a, layer in
            let (w, b) = (parameters[layer], parameters[layer + 1])
            return (matmul(w, a) + b.reshaped(to: [b.elementCount, 1])).sigmoid()
        }
    }

    /// a^[L] for inputs stored as the rows of an N × n_1 matrix (a batch, one point per row):
    /// Z = A Wᵀ + b (b broadcast along the rows), A = σ(Z).
    static func outputs(of parameters: [Tensor<Double>], rows inputs: Tensor<Double>) -> Tensor<Double> {
        stride(from: 0, to: parameters.count, by: 2).reduce(inputs) { a, layer in
            (matmul(a, parameters[layer], transposeB: true) + parameters[layer + 1]).sigmoid()
        }
    }
}
