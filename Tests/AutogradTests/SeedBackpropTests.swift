import Testing
import Autograd

/// Back propagation as the seeds derive it by hand, in plain arithmetic, at one point x:
/// z^[l] = W^[l] a^[l−1] + b^[l], a^[l] = σ(z^[l]) (seed 004 (5.2)–(5.3)), then
/// (5.5) δ^[L] = σ′(z^[L]) ∘ ∇_a C (for C = ½‖y − a^[L]‖², ∇_a C = a^[L] − y; seed 002's BP1 with ⊙),
/// (5.6) δ^[l] = σ′(z^[l]) ∘ (W^[l+1])ᵀ δ^[l+1] for l = L−1 … 2 (seed 002's BP2).
/// Index `layer` 0 stands for l = 2: `a[layer]` is a^[l−1], `delta[layer]` is δ^[l].
struct HandBackpropagation {
    private(set) var z: [[Double]] = []
    private(set) var a: [[Double]]
    private(set) var delta: [[Double]]

    init(_ network: SigmoidNetwork, at x: [Double], outputGradient: ([Double]) -> [Double]) {
        let weights = network.weights.map(rows)
        a = [x]
        for (w, b) in zip(weights, network.biases) {
            z.append(sum(product(w, a.last!), b.scalars))
            a.append(z.last!.map(sigmoid))
        }
        delta = [hadamard(z.last!.map(sigmoidDerivative), outputGradient(a.last!))]
        for layer in stride(from: weights.count - 2, through: 0, by: -1) {
            delta.insert(hadamard(z[layer].map(sigmoidDerivative), transposedProduct(weights[layer + 1], delta[0])), at: 0)
        }
    }

    /// (5.8) ∂C/∂W^[l] = δ^[l] (a^[l−1])ᵀ, the outer product ∂C/∂w_jk = δ_j a_k.
    func weightGradient(_ layer: Int) -> [[Double]] { outer(delta[layer], a[layer]) }

    /// (5.7) ∂C/∂b^[l] = δ^[l].
    func biasGradient(_ layer: Int) -> [Double] { delta[layer] }
}

@Suite("Seed back-propagation formulas against the tape")
struct SeedBackpropTests {
    /// The tape's gradient of C = ½‖y − a^[L]‖² at one point, through matmul, add, sigmoid and
    /// quadraticCost, compared with Lemma 5.1; returns the hand computation for further checks.
    @discardableResult
    func expectLemma51(_ network: SigmoidNetwork, x: [Double], y: [Double],
                       sourceLocation: SourceLocation = #_sourceLocation) -> (HandBackpropagation, [Tensor<Double>]) {
        let hand = HandBackpropagation(network, at: x) { difference($0, y) }
        let (cost, gradients) = valueWithGradient(at: network.parameters) { parameters in
            quadraticCost(SigmoidNetwork.outputs(of: parameters, columns: Tensor(x, shape: [x.count, 1])),
                          Tensor(y, shape: [y.count, 1]))
        }
        let residual = difference(y, hand.a.last!)
        expectClose(cost, Tensor(0.5 * residual.reduce(0) { $0 + $1 * $1 }), "C = ½‖y − a^[L]‖² at \(x)",
                    sourceLocation: sourceLocation)
        for layer in network.weights.indices {
            expectClose(gradients[2 * layer], matrix(hand.weightGradient(layer)),
                        "(5.8) ∂C/∂W^[\(layer + 2)] = δ aᵀ at \(x)", sourceLocation: sourceLocation)
            expectClose(gradients[2 * layer + 1], Tensor(hand.biasGradient(layer)),
                        "(5.7) ∂C/∂b^[\(layer + 2)] = δ at \(x)", sourceLocation: sourceLocation)
        }
        return (hand, gradients)
    }

    @Test("Lemma 5.1 on the 2-2-3-2 network of seed 004, at each of the ten points")
    func lemma51TwoTwoThreeTwo() {
        let network = SigmoidNetwork(sizes: [2, 2, 3, 2], seed: 5000)
        for i in 0..<TenPoints.count {
            expectLemma51(network, x: TenPoints.point(i, dimensions: 2), y: TenPoints.target(i))
        }
    }

    @Test("Lemma 5.1 on the 4-3-4-5-2 network of seed 004 Fig. 3.1, with its worked element w^[3]_43")
    func lemma51DeeperNetwork() {
        let network = SigmoidNetwork(sizes: [4, 3, 4, 5, 2], seed: 31)
        let (x, y) = ([0.2, 0.7, 0.1, 0.9], [1.0, 0.0])
        let (hand, gradients) = expectLemma51(network, x: x, y: y)
        // Seed 004 l.1071–1137: ∂C/∂w^[3]_43 = δ^[3]_4 a^[2]_3 and ∂C/∂b^[3]_4 = δ^[3]_4 (1-based).
        #expect(abs(gradients[2][3, 2] - hand.delta[1][3] * hand.a[1][2]) < 1e-15)
        #expect(abs(gradients[3][3] - hand.delta[1][3]) < 1e-15)

        // The unrolled diagonal form (seed 004 l.1138–1147):
        // δ^[2] = D^[2] (W^[3])ᵀ D^[3] (W^[4])ᵀ D^[4] (W^[5])ᵀ D^[5] (a^[5] − y), D^[l] = diag(σ′(z^[l])).
        func diagonal(_ v: [Double]) -> [[Double]] { v.indices.map { i in v.indices.map { i == $0 ? v[i] : 0 } } }
        let d = hand.z.map { diagonal($0.map(sigmoidDerivative)) }
        let wt = network.weights.map { transposed(rows($0)) }
        let chain = product(product(product(product(product(product(d[0], wt[1]), d[1]), wt[2]), d[2]), wt[3]), d[3])
        expectClose(gradients[1], Tensor(product(chain, difference(hand.a.last!, y))), "δ^[2] in the unrolled D Wᵀ form")
    }

    @Test("The four equations of back propagation of seed 002 on a batch (seed 000's 3-2-3-2 net, ten points)")
    func fourEquationsOnABatch() {
        // Seed 000's network with W^[3] corrected to 3 × 2; the batch holds one point per row.
        let network = SigmoidNetwork(sizes: [3, 2, 3, 2], seed: 2)
        let m = TenPoints.count
        let points = (0..<m).map { TenPoints.point($0, dimensions: 3) }
        let targets = (0..<m).map(TenPoints.target)
        // C = 1/(2m) Σᵢ ‖yᵢ − aᵢ^L‖² (seed 002 l.175), so ∇_a C = (aᵢ − yᵢ)/m for example i.
        let gradients = gradient(at: network.parameters) { parameters in
            quadraticCost(SigmoidNetwork.outputs(of: parameters, rows: matrix(points)), matrix(targets)) / Double(m)
        }
        // BP1 δ^L = ∇_a C ⊙ σ′(z^L) and BP2 δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ σ′(z^ℓ), per example.
        let examples = zip(points, targets).map { x, y in
            HandBackpropagation(network, at: x) { difference($0, y).map { $0 / Double(m) } }
        }
        for layer in network.weights.indices {
            let (rowsOut, columnsIn) = (network.weights[layer].shape[0], network.weights[layer].shape[1])
            // BP3 per component, summed over the batch: ∂C/∂b_j^ℓ = Σᵢ δ_j^ℓ(i).
            let biasGradient = (0..<rowsOut).map { j in examples.reduce(0) { $0 + $1.delta[layer][j] } }
            // BP4 per component: ∂C/∂W_jk^ℓ = Σᵢ a_k^{ℓ−1}(i) δ_j^ℓ(i).
            let weightGradient = (0..<rowsOut).map { j in
                (0..<columnsIn).map { k in examples.reduce(0) { $0 + $1.a[layer][k] * $1.delta[layer][j] } }
            }
            expectClose(gradients[2 * layer], matrix(weightGradient), "BP4 for W^\(layer + 2)")
            expectClose(gradients[2 * layer + 1], Tensor(biasGradient), "BP3 for b^\(layer + 2)")
        }
    }

    @Test("L2 regularisation (seed 004 (8.2)) adds (2λ/N) W to ∂Cost/∂W and leaves the biases alone")
    func weightDecay() {
        let network = SigmoidNetwork(sizes: [2, 2, 3, 2], seed: 82)
        let n = Double(TenPoints.count), lambda = 0.3
        let inputs = matrix([TenPoints.x1, TenPoints.x2])
        let targets = matrix((0..<TenPoints.count).map(TenPoints.target)).transposed()
        // Cost = (1/N) Σᵢ ½‖yᵢ − aᵢ^[L]‖² + (λ/N) Σₗ ‖W^[l]‖²_F, biases excluded.
        func cost(_ parameters: [Tensor<Double>], lambda: Double) -> Tensor<Double> {
            let fit = quadraticCost(SigmoidNetwork.outputs(of: parameters, columns: inputs), targets) / n
            let penalty = stride(from: 0, to: parameters.count, by: 2).map { (parameters[$0] * parameters[$0]).sum() }
            return fit + penalty.reduce(Tensor(0), +) * (lambda / n)
        }
        let plain = gradient(at: network.parameters) { cost($0, lambda: 0) }
        let regularised = gradient(at: network.parameters) { cost($0, lambda: lambda) }

        // The unregularised gradient is the mean of the per-point gradients of Lemma 5.1 (seed 004 (4.5)).
        let perPoint = (0..<TenPoints.count).map { i in
            HandBackpropagation(network, at: TenPoints.point(i, dimensions: 2)) { difference($0, TenPoints.target(i)) }
        }
        for (layer, w) in network.weights.enumerated() {
            let meanWeightGradient = perPoint.map { matrix($0.weightGradient(layer)) }.reduce(Tensor.zeros(w.shape), +) / n
            let meanBiasGradient = perPoint.map { Tensor($0.biasGradient(layer)) }.reduce(Tensor.zeros(network.biases[layer].shape), +) / n
            let decay = matrix(rows(w).map { $0.map { 2 * lambda / n * $0 } })
            expectClose(plain[2 * layer], meanWeightGradient, "mean ∂C/∂W^[\(layer + 2)]")
            expectClose(regularised[2 * layer], meanWeightGradient + decay, "∂Cost/∂W^[\(layer + 2)] with (2λ/N) W")
            expectClose(regularised[2 * layer] - plain[2 * layer], decay, "the regularisation's share of ∂Cost/∂W")
            expectClose(plain[2 * layer + 1], meanBiasGradient, "mean ∂C/∂b^[\(layer + 2)]")
            expectClose(regularised[2 * layer + 1], plain[2 * layer + 1], "biases are not regularised")
        }
    }
}
