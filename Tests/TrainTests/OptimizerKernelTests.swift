import Foundation
import Testing
import Autograd
@testable import Train

/// The eight-lane loops against plain scalar arithmetic, at lengths with and without a tail.
@Suite("Optimiser kernels")
struct OptimizerKernelTests {
    static let lengths = [1, 7, 8, 9, 19, 64]

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -2..<2, using: &generator) }
    }

    @Test("momentum and Adam updates equal the scalar recurrence element by element", arguments: lengths)
    func updates(count: Int) {
        let (p0, g) = (Self.values(count, seed: 1), Self.values(count, seed: 2))
        var momentum = Momentum<Float>(learningRate: 0.1, weightDecay: .coupled(0.01))
        var adam = Adam<Float>(learningRate: 0.01, weightDecay: .decoupled(0.1))
        var (pm, pa) = ([Tensor(p0)], [Tensor(p0)])
        for _ in 0..<2 {
            momentum.update(&pm, gradients: [Tensor(g)])
            adam.update(&pa, gradients: [Tensor(g)])
        }
        for i in 0..<count {
            // The same Float operations in the same order, one element at a time.
            var (p, v) = (p0[i], Float(0))
            var (q, m, s) = (p0[i], Float(0), Float(0))
            for t in 1...2 {
                v = Float(0.9) * v + (g[i] + Float(0.01) * p)
                p = 1 * p - Float(0.1) * v
                let c1 = Float(1 / (1 - pow(0.9, Double(t)))), c2 = Float(1 / (1 - pow(0.999, Double(t))))
                m = Float(0.9) * m + (1 - Float(0.9)) * g[i]
                s = Float(0.999) * s + (1 - Float(0.999)) * g[i] * g[i]
                q = Float(1 - 0.01 * 0.1) * q - Float(0.01) * ((m * c1) / ((s * c2).squareRoot() + Float(1e-8)))
            }
            #expect(pm[0].scalars[i] == p, "momentum, element \(i) of \(count)")
            #expect(pa[0].scalars[i] == q, "Adam, element \(i) of \(count)")
        }
    }

    @Test("sums of squares and finiteness checks see every element", arguments: lengths)
    func reductions(count: Int) {
        let x = Self.values(count, seed: 3)
        let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(globalNorm([Tensor(x)]) - expected.squareRoot()) < 1e-12 * max(1, expected))
        #expect(Tensor(x).isAllFinite)
        for position in [0, count / 2, count - 1] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var broken = x
                broken[position] = bad
                #expect(!Tensor(broken).isAllFinite, "\(bad) at \(position) of \(count)")
            }
        }
    }
}
