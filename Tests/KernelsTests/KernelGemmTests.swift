import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// One GEMM shape with its storage: row-major operands with leading dimensions that may exceed
/// the logical width (`padding`), filled with seeded values.
struct GemmCase<Scalar: VectorKernelScalar>: CustomTestStringConvertible {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool, accumulate: Bool
    let padding: Int
    var a: [Scalar], b: [Scalar], c: [Scalar]

    var lda: Int { (transposeA ? m : k) + padding }
    var ldb: Int { (transposeB ? k : n) + padding }
    var ldc: Int { n + padding }

    init(_ m: Int, _ n: Int, _ k: Int, transposeA: Bool = false, transposeB: Bool = false,
         accumulate: Bool = false, padding: Int = 0, seed: UInt64 = 1) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.transposeA, self.transposeB, self.accumulate, self.padding) = (transposeA, transposeB, accumulate, padding)
        var generator = SeededGenerator(seed: seed)
        func values(_ count: Int) -> [Scalar] { (0..<count).map { _ in Scalar.random(in: -1..<1, using: &generator) } }
        // At least one element, so that every buffer has a base address.
        a = values(max(1, (transposeA ? k : m) * ((transposeA ? m : k) + padding)))
        b = values(max(1, (transposeB ? n : k) * ((transposeB ? k : n) + padding)))
        c = values(m * (n + padding))
        // Writing C must leave the padding between rows alone.
        for row in 0..<m { for column in n..<(n + padding) { c[row * (n + padding) + column] = 77 } }
    }

    var testDescription: String {
        "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")\(accumulate ? " C+=" : "")\(padding > 0 ? " padded" : "")"
    }

    /// What `body` returns given operands over these buffers (and a copy of C), and that C after it.
    func withOperands<Result>(_ body: (GemmOperands<Scalar>) -> Result) -> (Result, [Scalar]) {
        var output = c
        let result = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { c in
                    body(GemmOperands(m: m, n: n, k: k, a: a.baseAddress!, lda: lda, transposeA: transposeA,
                                      b: b.baseAddress!, ldb: ldb, transposeB: transposeB,
                                      c: c.baseAddress!, ldc: ldc, accumulate: accumulate))
                }
            }
        }
        return (result, output)
    }

    /// C after the product computed by `kernel`.
    func result(_ kernel: (GemmOperands<Scalar>) -> Void) -> [Scalar] { withOperands(kernel).1 }

    /// The exact product in Double, and for each element Σ|a||b| (+|c|), the scale of its rounding error.
    func exact() -> (values: [Double], scales: [Double]) {
        var values = c.map(Double.init), scales = c.map { accumulate ? abs(Double($0)) : 0 }
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? Double(c[i * ldc + j]) : 0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    scales[i * ldc + j] += abs(x * y)
                }
                values[i * ldc + j] = sum
            }
        }
        return (values, scales)
    }

    /// Whether `output` matches the exact product to within `k + 2` roundings of each element's
    /// scale, and leaves the padding untouched.
    func matchesExact(_ output: [Scalar]) -> Bool {
        let (values, scales) = exact()
        let epsilon = Double(Scalar.ulpOfOne)
        return output.indices.allSatisfy { index in
            index % ldc >= n ? output[index] == 77
                : abs(Double(output[index]) - values[index]) <= Double(k + 2) * epsilon * scales[index] + 1e-300
        }
    }
}

/// Shapes that reach every path: the tiny loop; A read in place (row-major, with a partial
/// 6-row panel) and packed (transposed); partial B panels; several k blocks (k > kc); several
/// packed A blocks (m > mc); dot products (A·Bᵀ with n ≤ 16, edge blocks, a k tail); leading
/// dimensions wider than the matrices.
func gemmCases<Scalar: VectorKernelScalar>(_: Scalar.Type) -> [GemmCase<Scalar>] {
    let shapes: [(Int, Int, Int)] = [(1, 1, 1), (7, 1, 3), (1, 7, 5), (7, 7, 7), (33, 7, 129), (129, 32, 33),
                                     (33, 129, 7), (7, 40, 530), (150, 17, 9), (40, 33, 20), (1, 129, 40),
                                     (13, 16, 1030), (6, 10, 100)]
    var cases: [GemmCase<Scalar>] = []
    for (index, (m, n, k)) in shapes.enumerated() {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let accumulate = (index + (transposeA ? 1 : 0)) % 2 == 0
                cases.append(GemmCase(m, n, k, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate,
                                      padding: transposeB ? 3 : 0, seed: UInt64(index * 4 + 1)))
            }
        }
    }
    return cases
}

@Suite("GEMM kernel against the exact product, at every instruction-set level")
struct KernelGemmTests {
    @Test("Float: every path, transposition and accumulation", arguments: runnableLevels, gemmCases(Float.self))
    func float(_ level: KernelLevel, _ problem: GemmCase<Float>) {
        #expect(problem.matchesExact(problem.result(level.table(Float.self).gemm)))
    }

    @Test("Double: every path, transposition and accumulation", arguments: runnableLevels, gemmCases(Double.self))
    func double(_ level: KernelLevel, _ problem: GemmCase<Double>) {
        #expect(problem.matchesExact(problem.result(level.table(Double.self).gemm)))
    }

    @Test("The reference loop meets the tests' own bound", arguments: gemmCases(Float.self))
    func reference(_ problem: GemmCase<Float>) {
        #expect(problem.matchesExact(problem.result(ReferenceKernels<Float>.gemm)), "the test's own bound is too tight")
    }

    @Test("A small row-major B is read in place, bit for bit as its packed copy", arguments: [false, true])
    func bInPlace(_ transposeA: Bool) {
        func check<Scalar: VectorKernelScalar>(_ problem: GemmCase<Scalar>) {
            let (inPlace, result) = problem.withOperands { operands in
                let problem = GemmProblem(operands)
                defer { Gemm<Scalar>.multiplyBlocked(problem) }
                return Gemm<Scalar>.readsBInPlace(problem)
            }
            let packed = problem.result { operands in
                let problem = GemmProblem(operands)
                let buffer = alignedBuffer(Scalar.self, count: problem.k * Gemm<Scalar>.roundedUp(problem.n, Gemm<Scalar>.nr))
                defer { buffer.deallocate() }
                Gemm<Scalar>.packB(problem.b, depth: problem.k, columns: problem.n, into: buffer)
                Gemm<Scalar>.multiplyBlocked(problem, packedB: buffer)
            }
            #expect(inPlace, "\(problem)")
            #expect(result == packed, "\(problem)")
            #expect(problem.matchesExact(result), "\(problem)")
        }
        // Four 16-lane panels wide (two of 32, eight of 8), rows 3 apart from the padding.
        check(GemmCase<Float>(40, 64, 20, transposeA: transposeA, accumulate: transposeA, padding: 3, seed: 21))
        check(GemmCase<Double>(40, 64, 20, transposeA: transposeA, padding: 3, seed: 22))
        let (wide, transposed) = (GemmCase<Float>(40, 65, 20), GemmCase<Float>(40, 64, 20, transposeB: true))
        for problem in [wide, transposed] {
            #expect(!problem.withOperands { Gemm<Float>.readsBInPlace(GemmProblem($0)) }.0, "\(problem)")
        }
    }

    @Test("More columns than one packed block of B (n > nc)", arguments: runnableLevels)
    func wideProducts(_ level: KernelLevel) {
        let float = GemmCase<Float>(2, Gemm<Float>.nc + 20, 3, accumulate: true)
        #expect(float.matchesExact(float.result(level.table(Float.self).gemm)))
        let double = GemmCase<Double>(2, Gemm<Double>.nc + 9, 3, transposeB: true)
        #expect(double.matchesExact(double.result(level.table(Double.self).gemm)))
    }

    @Test("k = 0 writes zeros, or leaves C alone when accumulating", arguments: runnableLevels)
    func emptyInnerDimension(_ level: KernelLevel) {
        for accumulate in [false, true] {
            let problem = GemmCase<Float>(5, 9, 0, accumulate: accumulate)
            let output = problem.result(level.table(Float.self).gemm)
            #expect(output == (accumulate ? problem.c : [Float](repeating: 0, count: problem.c.count)))
        }
    }

    @Test("1, 2 and 3 threads give bit-identical results, split by rows or by columns, every path",
          arguments: [(19, 21, 520), (45, 37, 40), (13, 100, 30), (100, 20, 20), (30, 10, 130)])
    func threadCountDoesNotChangeResults(_ shape: (Int, Int, Int)) {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true)] {
            let float = GemmCase<Float>(shape.0, shape.1, shape.2, transposeA: transposeA, transposeB: transposeB,
                                        accumulate: true, seed: 5)
            let one = float.result { Gemm<Float>.multiply(GemmProblem($0), threads: 1) }
            for threads in [2, 3] {
                #expect(float.result { Gemm<Float>.multiply(GemmProblem($0), threads: threads) } == one)
            }
            #expect(float.matchesExact(one))
            let double = GemmCase<Double>(shape.0, shape.1, shape.2, transposeA: transposeA, transposeB: transposeB, seed: 6)
            #expect(double.result { Gemm<Double>.multiply(GemmProblem($0), threads: 2) }
                    == double.result { Gemm<Double>.multiply(GemmProblem($0), threads: 1) })
        }
    }

    @Test("Row bands when C is taller than wide or A is as large as a B block; column bands otherwise")
    func bandDirection() {
        func byRows(_ problem: GemmCase<Float>) -> Bool {
            problem.withOperands { Gemm<Float>.splitsByRows(GemmProblem($0)) }.0
        }
        #expect(byRows(GemmCase(100, 20, 20)) && byRows(GemmCase(30, 10, 130, transposeA: true)))
        #expect(!byRows(GemmCase(19, 21, 520)) && !byRows(GemmCase(256, 256, 784)))
        #expect(Gemm<Float>.kc * Gemm<Float>.nc == 1_024 * 1_024)    // a B block: 4 MiB of Float
        #expect(byRows(GemmCase(1_024, 1_025, 1_024)) && !byRows(GemmCase(1_024, 1_025, 1_023)))
    }

    @Test("Row bands over B in several blocks: each depth and column block in turn, bit-identical on 1, 2 and 3 threads",
          arguments: runnableLevels, [(60, 20, 1_100, false), (2_100, 2_049, 3, true)])
    func rowBandsOverBlocks(_ level: KernelLevel, _ shape: (Int, Int, Int, accumulate: Bool)) {
        let problem = GemmCase<Float>(shape.0, shape.1, shape.2, transposeB: true, accumulate: shape.accumulate, seed: 11)
        #expect(problem.withOperands { Gemm<Float>.splitsByRows(GemmProblem($0)) }.0)
        #expect(shape.2 > Gemm<Float>.kc || shape.1 > Gemm<Float>.nc)
        #expect(shape.0 * shape.1 * shape.2 >= Gemm<Float>.parallelVolume)
        let gemm = level.table(Float.self).gemm
        let one = withThreadCount(1) { problem.result(gemm) }
        for threads in [2, 3] {
            let identical = withThreadCount(threads) { problem.result(gemm) } == one
            #expect(identical, "\(threads) threads")
        }
        #expect(problem.matchesExact(one))
    }

    @Test("withThreadCount drives the kernel tables' GEMM: 1 and 2 threads agree bit for bit", arguments: runnableLevels)
    func publicThreadCount(_ level: KernelLevel) {
        let side = 84  // 84³ multiply-adds: above the parallel threshold
        #expect(side * side * side >= Gemm<Float>.parallelVolume)
        let problem = GemmCase<Float>(side, side, side, seed: 9)
        let one = withThreadCount(1) { problem.result(level.table(Float.self).gemm) }
        let two = withThreadCount(2) { problem.result(level.table(Float.self).gemm) }
        #expect(one == two)
        #expect(problem.matchesExact(two))
    }

    @Test("The dot-product path is taken exactly for A·Bᵀ with few columns and a long k")
    func dotPathChoice() {
        func takesDots(_ problem: GemmCase<Float>) -> Bool {
            problem.withOperands { Gemm<Float>.prefersDots(GemmProblem($0)) }.0
        }
        #expect(takesDots(GemmCase(32, 10, 1024, transposeB: true)))
        #expect(!takesDots(GemmCase(32, 10, 1024)))
        #expect(!takesDots(GemmCase(32, 10, 1024, transposeA: true, transposeB: true)))
        #expect(!takesDots(GemmCase(32, 17, 1024, transposeB: true)))
        #expect(!takesDots(GemmCase(32, 10, 63, transposeB: true)))
    }

    @Test("Bands cover C exactly once in whole tiles, largest first")
    func bands() {
        let problem = GemmCase<Float>(50, 20, 4)  // taller than wide: row bands
        let parts = problem.withOperands { Gemm<Float>.bands(of: GemmProblem($0), threads: 2) }.0
        // Guided chunks of whole tiles of six rows (the baseline module's tile).
        #expect(parts.map(\.m) == [12, 6, 6, 6, 6, 6, 6, 2])
        #expect(parts.map(\.m).reduce(0, +) == 50)
        #expect(parts.dropLast().allSatisfy { $0.m % Gemm<Float>.mr == 0 })
        #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.c + $0.m * 20 == $1.c })
    }
}
