import Foundation
import Testing
import Kernels
import KernelSupport

/// The training code's table entries (optimiser updates, norms, finiteness, ranks) at every
/// instruction-set level, against plain scalar arithmetic, at lengths with and without a tail.
@Suite("Training loops at every instruction-set level")
struct TrainingLoopTests {
    static let lengths = [1, 7, 8, 9, 19, 64]

    @Test("SGD, momentum and Adam updates equal the scalar recurrences element by element",
          arguments: runnableLevels, lengths)
    func updates(_ level: KernelLevel, _ count: Int) {
        let (p0, g): ([Float], [Float]) = (seededValues(count, in: -2..<2, seed: 1), seededValues(count, in: -2..<2, seed: 2))
        let adam = UpdateRule<Float>(kind: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 10, correction2: 1_000),
                                     learningRate: 0.01, coupledDecay: 0, shrink: 0.999)
        let rules: [UpdateRule<Float>] = [
            UpdateRule(kind: .sgd, learningRate: 0.1, coupledDecay: 0.01, shrink: 1),
            UpdateRule(kind: .momentum(0.9), learningRate: 0.1, coupledDecay: 0.01, shrink: 1), adam,
        ]
        for rule in rules {
            var (p, first, second) = (p0, [Float](repeating: 0.5, count: count), [Float](repeating: 0.25, count: count))
            g.withUnsafeBufferPointer { g in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        p.withUnsafeMutableBufferPointer {
                            level.table(Float.self).update(rule, $0.baseAddress!, g.baseAddress!, m.baseAddress!,
                                                           v.baseAddress!, count)
                        }
                    }
                }
            }
            for i in 0..<count {
                // The same Float operations in the same order, one element at a time.
                let (eta, gradient) = (rule.learningRate, g[i] + rule.coupledDecay * p0[i])
                var expected = p0[i], (m, v) = (Float(0.5), Float(0.25))
                switch rule.kind {
                case .sgd:
                    expected = rule.shrink * expected - eta * gradient
                case .momentum(let mu):
                    m = mu * m + gradient
                    expected = rule.shrink * expected - eta * m
                case let .adam(beta1, beta2, epsilon, c1, c2):
                    m = beta1 * m + (1 - beta1) * gradient
                    v = beta2 * v + (1 - beta2) * gradient * gradient
                    expected = rule.shrink * expected - eta * ((m * c1) / ((v * c2).squareRoot() + epsilon))
                }
                #expect(p[i] == expected, "\(rule.kind), element \(i) of \(count)")
            }
        }
    }

    @Test("sums of squares and finiteness checks see every element", arguments: runnableLevels, lengths)
    func reductions(_ level: KernelLevel, _ count: Int) {
        let table = level.table(Float.self)
        let x: [Float] = seededValues(count, in: -2..<2, seed: 3)
        let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(x.withUnsafeBufferPointer { table.sumOfSquares($0.baseAddress!, count) } - expected) < 1e-12 * max(1, expected))
        #expect(x.withUnsafeBufferPointer { table.allFinite($0.baseAddress!, count) })
        for position in [0, count / 2, count - 1] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var broken = x
                broken[position] = bad
                #expect(!broken.withUnsafeBufferPointer { table.allFinite($0.baseAddress!, count) }, "\(bad) at \(position)")
            }
        }
    }

    @Test("ranks: the first largest score is the prediction; ties and NaN ranked as the prediction rule says",
          arguments: runnableLevels)
    func ranks(_ level: KernelLevel) {
        let scores: [Float] = [0.1, 0.7, 0.7, 0.2,   .nan, 0.3, 0.1, 0.3,   1, 2, 3, 4]
        let labels = [2, 0, 3]
        var (predictions, ranks) = ([Int](repeating: -1, count: 3), [Int](repeating: -1, count: 3))
        scores.withUnsafeBufferPointer { s in
            labels.withUnsafeBufferPointer { l in
                predictions.withUnsafeMutableBufferPointer { p in
                    ranks.withUnsafeMutableBufferPointer {
                        level.table(Float.self).rank(s.baseAddress!, 3, 4, l.baseAddress!, p.baseAddress!, $0.baseAddress!)
                    }
                }
            }
        }
        #expect(predictions == [1, 1, 3])
        #expect(ranks == [1, 4, 0])
    }
}
