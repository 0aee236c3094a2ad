import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

@Suite("Transpose kernels against the reference, at every instruction-set level")
struct KernelTransposeTests {
    /// (source dimensions, permutation): a scalar, empty arrays, rank 1 to 5, inner runs of 1
    /// (the last axis moves) and longer, axes of size 1, the attention head split and merge, and
    /// one large enough to split across threads.
    static let cases: [([Int], [Int])] = [
        ([], []), ([0, 3], [1, 0]), ([2, 0, 3], [0, 2, 1]), ([5], [0]), ([3, 4], [1, 0]), ([3, 4], [0, 1]),
        ([2, 3, 4], [0, 2, 1]), ([2, 3, 4], [1, 0, 2]), ([2, 3, 4], [1, 2, 0]), ([2, 3, 4], [2, 0, 1]), ([2, 3, 4], [2, 1, 0]),
        ([2, 5, 3, 8], [0, 2, 1, 3]), ([2, 3, 5, 8], [0, 2, 1, 3]), ([2, 3, 1, 4, 5], [4, 2, 0, 3, 1]),
        ([2, 3, 4, 2, 3], [0, 1, 3, 2, 4]), ([1, 7, 1], [2, 1, 0]), ([3, 2, 4, 5], [3, 2, 1, 0]),
        ([2, 130, 4, 64], [0, 2, 1, 3]),
    ]

    @Test("transpose equals the reference bit for bit on 1 and 2 threads", arguments: runnableLevels, cases.indices)
    func transpose(_ level: KernelLevel, _ index: Int) {
        let (source, permutation) = Self.cases[index]
        let input: [Float] = seededValues(source.elementCount, in: -1..<1, seed: UInt64(index + 1))
        func run(_ kernel: (UnsafePointer<Float>, [Int], [Int], UnsafeMutablePointer<Float>) -> Void) -> [Float] {
            var output = [Float](repeating: .nan, count: source.elementCount)
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, source, permutation, $0.baseAddress!) }
            }
            return output
        }
        let reference = run(ReferenceKernels.transpose)
        for threads in [1, 2] { #expect(withThreadCount(threads) { run(level.table(Float.self).transpose) } == reference) }
    }

    @Test("the walk drops axes of size 1 and merges axes that stay neighbours")
    func walkMerging() {
        // The head split [B, T, H, D] → [B, H, T, D]: source strides permuted, rows of D.
        let split = StridedWalk(dimensions: [2, 4, 3, 8], strides: [96, 8, 32, 1])
        #expect(split.dimensions == [2, 4, 3, 8] && split.rowLength == 8 && split.rowStride == 1 && split.rowCount == 24)
        // [B, 1, T] → [B, H, T] broadcast: nothing merges, rows of T with stride 1.
        let middle = StridedWalk(dimensions: [2, 3, 5], strides: [5, 0, 1])
        #expect(middle.dimensions == [2, 3, 5] && middle.strides == [5, 0, 1] && middle.rowCount == 6)
        // An axis of size 1 is dropped, and its neighbours then chain: [2, 1, 5] is one row of 10.
        #expect(StridedWalk(dimensions: [2, 1, 5], strides: [5, 5, 1]).dimensions == [10])
        // A copy in order merges into one row; a scalar is one row of one element.
        #expect(StridedWalk(dimensions: [2, 3, 4], strides: [12, 4, 1]).dimensions == [24])
        #expect(StridedWalk(dimensions: [], strides: []).dimensions == [1])
        // A row broadcast over two leading axes: the two merge (both steps 0), the row stays.
        #expect(StridedWalk(dimensions: [2, 3, 4], strides: [0, 0, 1]).dimensions == [6, 4])
    }
}
