import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

@Suite("Broadcast, sum and softmax kernels against the reference, at every instruction-set level")
struct KernelBroadcastTests {
    /// (small, large) shape pairs: the repeat pattern, the spread pattern, and strided walks
    /// (neither): a middle axis broadcast ([B, 1, T] → [B, H, T]), mixtures, empty arrays, and
    /// one large enough to split across threads.
    static let shapePairs: [([Int], [Int])] = [
        ([4], [3, 4]), ([1, 4], [3, 4]), ([3, 4], [2, 3, 4]), ([17], [5, 17]),
        ([3, 1], [3, 4]), ([], [2, 3]), ([2, 1, 1], [2, 3, 4]), ([], [40]),
        ([1, 3, 1], [2, 3, 4]), ([3, 1], [2, 3, 5]), ([3, 1, 5], [3, 4, 5]), ([2, 1, 3, 1], [2, 4, 3, 5]),
        ([1, 3, 1, 2], [2, 3, 4, 2]), ([2, 1, 0], [2, 3, 0]), ([0, 1, 3], [0, 2, 3]), ([4, 1, 1, 130], [4, 2, 64, 130]),
    ]

    @Test("broadcast equals the reference bit for bit", arguments: runnableLevels, shapePairs.indices)
    func broadcast(_ level: KernelLevel, _ index: Int) {
        let (small, large) = Self.shapePairs[index]
        let input: [Float] = seededValues(small.elementCount, in: -1..<1, seed: UInt64(index + 1))
        func run(_ kernel: (UnsafePointer<Float>, [Int], UnsafeMutablePointer<Float>, [Int]) -> Void) -> [Float] {
            var output = [Float](repeating: .nan, count: large.elementCount)
            input.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, small, $0.baseAddress!, large) } }
            return output
        }
        let reference = run(ReferenceKernels.broadcast)
        for threads in [1, 2] { #expect(withThreadCount(threads) { run(level.table(Float.self).broadcast) } == reference) }
    }

    @Test("sums equal the reference: bit for bit for repeated blocks, within rounding otherwise",
          arguments: runnableLevels, shapePairs.indices)
    func reduceSum(_ level: KernelLevel, _ index: Int) {
        let (small, large) = Self.shapePairs[index]
        let input: [Double] = seededValues(large.elementCount, in: -1..<1, seed: UInt64(index + 11))
        func run(_ kernel: (UnsafePointer<Double>, [Int], UnsafeMutablePointer<Double>, [Int]) -> Void) -> [Double] {
            var output = [Double](repeating: .nan, count: small.elementCount)
            input.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, large, $0.baseAddress!, small) } }
            return output
        }
        let fast = run(level.table(Double.self).reduceSum), reference = run(ReferenceKernels.reduceSum)
        if case .repeatBlock? = BroadcastKernels<Double>.Pattern(small: small, large: large) {
            #expect(fast == reference)
        } else {
            #expect(zip(fast, reference).allSatisfy { abs($0 - $1) <= 1e-13 }, "\(fast) vs \(reference)")
        }
    }

    @Test("the patterns are recognised")
    func patterns() {
        typealias Pattern = BroadcastKernels<Float>.Pattern
        guard case .repeatBlock(3, 4)? = Pattern(small: [4], large: [3, 4]) else { Issue.record("bias row"); return }
        guard case .spread(3, 4)? = Pattern(small: [3, 1], large: [3, 4]) else { Issue.record("column"); return }
        guard case .spread(1, 6)? = Pattern(small: [], large: [2, 3]) else { Issue.record("scalar"); return }
        #expect(Pattern(small: [1, 3, 1], large: [2, 3, 4]) == nil)
        #expect(Pattern(small: [3, 1, 5], large: [3, 4, 5]) == nil)
    }

    @Test("causal softmax matches the reference within a few ulp, with exact zeros after each row's own position",
          arguments: runnableLevels, [1, 7, 16, 33])
    func causalSoftmax(_ level: KernelLevel, _ size: Int) {
        let input: [Float] = seededValues(2 * size * size, in: -40..<40, seed: UInt64(size + 50))
        func run(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) -> [Float] {
            var output = [Float](repeating: .nan, count: input.count)
            input.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, $0.baseAddress!, 2 * size, size) } }
            return output
        }
        let fast = run(level.table(Float.self).causalSoftmax), reference = run(ReferenceKernels.causalSoftmax)
        #expect(zip(fast, reference).allSatisfy { abs($0 - $1) <= 4 * max($1.ulp, Float.leastNormalMagnitude) + 2e-6 * abs($1) })
        for row in 0..<(2 * size) {
            let entries = fast[(row * size)..<((row + 1) * size)], kept = row % size + 1
            #expect(entries.dropFirst(kept).allSatisfy { $0 == 0 } && abs(entries.reduce(0, +) - 1) < 1e-5, "row \(row): \(entries)")
        }
    }

    @Test("softmax and log-softmax rows match the reference within a few ulp", arguments: runnableLevels, [1, 7, 16, 33])
    func softmaxRows(_ level: KernelLevel, _ size: Int) {
        var input: [Float] = seededValues(3 * size, in: -40..<40, seed: UInt64(size))
        input[0] = 1_000  // stability: a huge logit must not overflow
        for logarithmic in [false, true] {
            func run(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, AxisLayout, Bool) -> Void) -> [Float] {
                var output = [Float](repeating: .nan, count: input.count)
                input.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, $0.baseAddress!, AxisLayout([3, size], axis: 1), logarithmic) }
                }
                return output
            }
            let fast = run(level.table(Float.self).softmax), reference = run(ReferenceKernels.softmax)
            let close = zip(fast, reference).allSatisfy { abs($0 - $1) <= 4 * max($1.ulp, Float.leastNormalMagnitude) + 2e-6 * abs($1) }
            #expect(close, "logarithmic \(logarithmic): \(fast) vs \(reference)")
            if !logarithmic {
                for row in 0..<3 { #expect(abs(fast[(row * size)..<((row + 1) * size)].reduce(0, +) - 1) < 1e-5) }
            }
        }
    }
}
