import Autograd
import Testing
import Train

@Suite("Sampling schemes")
struct SamplingTests {
    static let schemes: [SamplingScheme] = [.singleWithReplacement, .singleWithoutReplacement,
                                            .miniBatch(size: 10, withReplacement: true), .miniBatch(size: 10, withReplacement: false)]

    @Test("the same seed gives the same epochs, another seed others", arguments: schemes)
    func determinism(scheme: SamplingScheme) {
        let sampler = Sampler(exampleCount: 103, scheme: scheme)
        func epochs(seed: UInt64) -> [[Int]] {
            var generator = SeededGenerator(seed: seed)
            return (0..<3).map { _ in sampler.epoch(using: &generator).order }
        }
        #expect(epochs(seed: 7) == epochs(seed: 7))
        #expect(epochs(seed: 7) != epochs(seed: 8))
        #expect(epochs(seed: 7)[0] != epochs(seed: 7)[1], "each epoch draws anew")
    }

    @Test("without replacement every index comes exactly once per epoch", arguments: [LastBatchPolicy.keep, .drop])
    func withoutReplacement(policy: LastBatchPolicy) {
        var generator = SeededGenerator(seed: 3)
        for scheme in [SamplingScheme.singleWithoutReplacement, .miniBatch(size: 10, withReplacement: false)] {
            let sampler = Sampler(exampleCount: 103, scheme: scheme, lastBatch: policy)
            for _ in 0..<3 {
                let plan = sampler.epoch(using: &generator)
                #expect(plan.order.sorted() == Array(0..<103))
                #expect(plan.order != Array(0..<103))
                let visited = plan.flatMap { $0 }
                if policy == .keep || scheme == .singleWithoutReplacement {
                    #expect(visited.sorted() == Array(0..<103))
                } else {
                    #expect(visited.count == 100 && Set(visited).count == 100)
                }
            }
        }
    }

    @Test("the last batch is kept short or dropped")
    func lastBatchPolicy() {
        var generator = SeededGenerator(seed: 4)
        let kept = Sampler(exampleCount: 103, scheme: .miniBatch(size: 10, withReplacement: false)).epoch(using: &generator)
        #expect(kept.count == 11 && kept.map(\.count) == Array(repeating: 10, count: 10) + [3])
        let dropped = Sampler(exampleCount: 103, scheme: .miniBatch(size: 10, withReplacement: false), lastBatch: .drop).epoch(using: &generator)
        #expect(dropped.count == 10 && dropped.allSatisfy { $0.count == 10 })
        let exact = Sampler(exampleCount: 100, scheme: .miniBatch(size: 10, withReplacement: false), lastBatch: .drop)
        #expect(exact.stepsPerEpoch == 10)
        let inOrder = Sampler(exampleCount: 25, scheme: .inOrder(batchSize: 10))
        let before = generator
        #expect(inOrder.epoch(using: &generator).map(Array.init) == [Array(0..<10), Array(10..<20), Array(20..<25)])
        #expect(generator == before, "in-order batches draw nothing")
    }

    @Test("with replacement every index is about equally frequent and repeats occur")
    func withReplacement() {
        var generator = SeededGenerator(seed: 5)
        let sampler = Sampler(exampleCount: 10, scheme: .miniBatch(size: 4, withReplacement: true))
        #expect(sampler.stepsPerEpoch == 3)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<5000 {
            let plan = sampler.epoch(using: &generator)
            #expect(plan.allSatisfy { $0.count == 4 })
            for index in plan.order { counts[index] += 1 }
        }
        // 60,000 draws: each count is Binomial(60000, 0.1), mean 6000, σ ≈ 73; allow 5σ.
        #expect(counts.allSatisfy { abs($0 - 6000) < 370 }, "\(counts)")
        let single = Sampler(exampleCount: 50, scheme: .singleWithReplacement).epoch(using: &generator)
        #expect(single.count == 50 && single.allSatisfy { $0.count == 1 })
        #expect(Set(single.order).count < 50, "50 draws from 50 with replacement repeat (all distinct has probability 3e-21)")
    }

    @Test("draws follow the documented equations (Lemire's bounded integer, Fisher–Yates)")
    func equations() {
        var words = SeededGenerator(seed: 9)
        var generator = words
        let plan = Sampler(exampleCount: 1000, scheme: .singleWithReplacement).epoch(using: &generator)
        var expected = [Int]()
        while expected.count < 1000 {
            let (high, low) = words.next().multipliedFullWidth(by: 1000)
            if low >= (UInt64.max - 999) % 1000 { expected.append(Int(high)) }  // 2⁶⁴ mod 1000 = 616
        }
        #expect(plan.order == expected)

        var shuffleWords = SeededGenerator(seed: 10)
        var shuffler = shuffleWords
        var permutation = Array(0..<5)
        for i in stride(from: 4, to: 0, by: -1) {
            var j: Int
            repeat {
                let (high, low) = shuffleWords.next().multipliedFullWidth(by: UInt64(i + 1))
                j = low >= (0 &- UInt64(i + 1)) % UInt64(i + 1) ? Int(high) : -1
            } while j < 0
            permutation.swapAt(i, j)
        }
        #expect(Sampler(exampleCount: 5, scheme: .singleWithoutReplacement).epoch(using: &shuffler).order == permutation)
    }
}
