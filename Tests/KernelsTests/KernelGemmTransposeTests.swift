import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// `problem` with its transposed A stored row-major instead (same values, B and C): the kernel
/// must give the same bits for both storages.
func rowMajorCopy<Scalar: VectorKernelScalar>(_ problem: GemmCase<Scalar>) -> GemmCase<Scalar> {
    var copy = GemmCase<Scalar>(problem.m, problem.n, problem.k, transposeB: problem.transposeB,
                                accumulate: problem.accumulate, padding: problem.padding)
    for i in 0..<problem.m {
        for p in 0..<problem.k { copy.a[i * copy.lda + p] = problem.a[p * problem.lda + i] }
    }
    (copy.b, copy.c) = (problem.b, problem.c)
    return copy
}

@Suite("GEMM with transposed operands: blocks transposed in registers, a small Aᵀ read in place")
struct KernelGemmTransposeTests {
    @Test("A block transposed in registers is the element-by-element transpose (16 × 16 Float, 8 × 8 Double)")
    func transposeBlock() {
        func check<Scalar: VectorKernelScalar>(_: Scalar.Type) {
            let w = Scalar.Vector.scalarCount, (sourceStride, destinationStride) = (w + 3, w + 5)
            let source: [Scalar] = seededValues(w * sourceStride, in: -1..<1, seed: 40)
            var destination = [Scalar](repeating: 7, count: w * destinationStride)
            source.withUnsafeBufferPointer { s in
                destination.withUnsafeMutableBufferPointer { d in
                    Scalar.Vector.transposeBlock(s.baseAddress!, sourceRowStride: sourceStride,
                                                 into: d.baseAddress!, destinationRowStride: destinationStride)
                }
            }
            let expected = (0..<w * destinationStride).map { index in
                let (p, j) = index.quotientAndRemainder(dividingBy: destinationStride)
                return j < w ? source[j * sourceStride + p] : 7
            }
            #expect(destination == expected, "\(Scalar.self)")
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("A transposed B packs into the same panels as element by element: whole blocks, a depth tail, a partial panel",
          arguments: [(37, 37), (16, 16), (5, 3), (40, 64)])
    func packTransposedB(_ shape: (depth: Int, columns: Int)) {
        func check<Scalar: VectorKernelScalar>(_: Scalar.Type) {
            let nr = Gemm<Scalar>.nr, ldb = shape.depth + 3
            let b: [Scalar] = seededValues(shape.columns * ldb, in: -1..<1, seed: 41)
            let panels = Gemm<Scalar>.roundedUp(shape.columns, nr) / nr
            var packed = [Scalar](repeating: .nan, count: panels * nr * shape.depth)
            b.withUnsafeBufferPointer { b in
                packed.withUnsafeMutableBufferPointer { buffer in
                    Gemm<Scalar>.packB(StridedMatrix(base: b.baseAddress!, rowStride: 1, columnStride: ldb),
                                       depth: shape.depth, columns: shape.columns, into: buffer.baseAddress!)
                }
            }
            // Panel q holds B(p, q·nr + j) at p·nr + j, zeros past the last column.
            let expected = packed.indices.map { index -> Scalar in
                let (q, offset) = index.quotientAndRemainder(dividingBy: nr * shape.depth)
                let (p, j) = offset.quotientAndRemainder(dividingBy: nr)
                return q * nr + j < shape.columns ? b[(q * nr + j) * ldb + p] : 0
            }
            #expect(packed == expected, "\(Scalar.self) \(shape)")
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("A transposed A of up to 64 KiB is read in place, a larger or deeper one packed: both bit for bit as A stored row-major, every level",
          arguments: runnableLevels)
    func transposedA(_ level: KernelLevel) {
        func check<Scalar: VectorKernelScalar>(_ problem: GemmCase<Scalar>, inPlace: Bool) {
            #expect(problem.withOperands { Gemm<Scalar>.readsAInPlace(GemmProblem($0)) }.0 == inPlace, "\(problem)")
            let result = problem.result(level.table(Scalar.self).gemm)
            #expect(result == rowMajorCopy(problem).result(level.table(Scalar.self).gemm), "\(problem)")
            #expect(problem.matchesExact(result), "\(problem)")
        }
        // 40 rows: a partial last tile (6- and 12-row tiles); B read in place, then packed transposed.
        check(GemmCase<Float>(40, 64, 20, transposeA: true, accumulate: true, padding: 3, seed: 42), inPlace: true)
        check(GemmCase<Float>(40, 70, 20, transposeA: true, transposeB: true, seed: 43), inPlace: true)
        check(GemmCase<Double>(40, 64, 20, transposeA: true, transposeB: true, padding: 3, seed: 44), inPlace: true)
        // Attention's 128 × 128 Aᵀ (64 KiB of Float) in place; larger than 64 KiB, or deeper than one block: packed.
        check(GemmCase<Float>(128, 32, 128, transposeA: true, seed: 47), inPlace: true)
        check(GemmCase<Float>(130, 20, 128, transposeA: true, seed: 45), inPlace: false)
        check(GemmCase<Double>(70, 20, 120, transposeA: true, seed: 46), inPlace: false)
        check(GemmCase<Float>(7, 20, Gemm<Float>.kc + 1, transposeA: true, seed: 48), inPlace: false)
    }
}
