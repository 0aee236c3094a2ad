import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// The values and routes of the `extremum` kernel on `x` with `layout`.
func extremes<Scalar: VectorKernelScalar>(
    _ kernel: KernelTable<Scalar>.Extremum, _ x: [Scalar], _ layout: AxisLayout, maximum: Bool
) -> (values: [Scalar], routes: [Int]) {
    var values = [Scalar](repeating: 0, count: layout.outer * layout.inner)
    var routes = [Int](repeating: -1, count: values.count)
    x.withUnsafeBufferPointer { x in
        values.withUnsafeMutableBufferPointer { v in
            routes.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, layout, maximum, v.baseAddress!, $0.baseAddress!) }
        }
    }
    return (values, routes)
}

@Suite("Indexing kernels against the reference, at every level")
struct KernelIndexingTests {
    @Test("extremes and their positions along any axis: ties to the first, NaN wins, 1 and 2 threads alike",
          arguments: runnableLevels, [[3, 37], [4, 5, 6], [2, 16, 1], [1, 1, 40], [300, 250]])
    func extremum(_ level: KernelLevel, _ dimensions: [Int]) {
        func check<Scalar: VectorKernelScalar>(_: Scalar.Type) {
            // Values on a coarse grid tie often; a few NaNs are planted.
            let values: [Scalar] = seededValues(dimensions.elementCount, in: -4..<4, seed: 13)
            var x = values.map { ($0 * 2).rounded() }
            for i in stride(from: 7, to: x.count, by: 53) { x[i] = .nan }
            for axis in dimensions.indices {
                let layout = AxisLayout(dimensions, axis: axis)
                for maximum in [true, false] {
                    let reference = extremes(ReferenceKernels.extremum, x, layout, maximum: maximum)
                    let one = withThreadCount(1) { extremes(level.table(Scalar.self).extremum, x, layout, maximum: maximum) }
                    let two = withThreadCount(2) { extremes(level.table(Scalar.self).extremum, x, layout, maximum: maximum) }
                    #expect(one.routes == reference.routes && two.routes == reference.routes, "\(dimensions) axis \(axis)")
                    #expect(identical(one.values, reference.values) && identical(two.values, reference.values))
                }
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("gather of elements and of rows, and its adjoint scatter-add with repeated routes", arguments: runnableLevels)
    func gatherAndScatter(_ level: KernelLevel) {
        let table = level.table(Float.self)
        for (blockSize, count) in [(1, 70_000), (5, 9), (33, 4)] {
            let sourceBlocks = 6
            let x: [Float] = seededValues(sourceBlocks * blockSize, in: -1..<1, seed: 14)
            let routes = (0..<count).map { ($0 * 7 + 3) % sourceBlocks }
            func gather(_ kernel: KernelTable<Float>.Gather) -> [Float] {
                var y = [Float](repeating: .nan, count: count * blockSize)
                x.withUnsafeBufferPointer { x in routes.withUnsafeBufferPointer { r in
                    y.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, r.baseAddress!, count, blockSize, $0.baseAddress!) }
                } }
                return y
            }
            let gathered = gather(table.gather)
            #expect(gathered == gather(ReferenceKernels.gather) && gathered == withThreadCount(1) { gather(table.gather) })
            func scatter(_ kernel: KernelTable<Float>.ScatterAdd) -> [Float] {
                var y = [Float](repeating: .nan, count: sourceBlocks * blockSize)
                gathered.withUnsafeBufferPointer { g in routes.withUnsafeBufferPointer { r in
                    y.withUnsafeMutableBufferPointer {
                        kernel(g.baseAddress!, r.baseAddress!, count, blockSize, $0.baseAddress!, sourceBlocks * blockSize)
                    }
                } }
                return y
            }
            #expect(scatter(table.scatterAdd) == scatter(ReferenceKernels.scatterAdd), "block \(blockSize)")
        }
    }

    /// Windows: contiguous rows, strided rows, a scalar, an empty one, rank 4 with every kind of axis.
    static let windows: [StridedWindow] = [
        StridedWindow(dimensions: [5, 7], starts: [1, 2], steps: [1, 1], extents: [3, 4]),
        StridedWindow(dimensions: [5, 7], starts: [0, 1], steps: [2, 3], extents: [3, 2]),
        StridedWindow(dimensions: [], starts: [], steps: [], extents: []),
        StridedWindow(dimensions: [4, 3], starts: [1, 0], steps: [1, 1], extents: [0, 3]),
        StridedWindow(dimensions: [3, 4, 5, 40], starts: [2, 0, 1, 3], steps: [1, 2, 3, 1], extents: [1, 2, 2, 37]),
    ]

    @Test("slicing a window and embedding into a filled array, each the other's adjoint", arguments: runnableLevels)
    func sliceAndEmbed(_ level: KernelLevel) {
        let table = level.table(Double.self)
        for window in Self.windows {
            let array: [Double] = seededValues(window.dimensions.elementCount, in: -1..<1, seed: 15)
            let part: [Double] = seededValues(window.extents.elementCount, in: -1..<1, seed: 16)
            func slice(_ kernel: KernelTable<Double>.Slice) -> [Double] {
                var y = [Double](repeating: .nan, count: window.extents.elementCount)
                array.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, window, $0.baseAddress!) } }
                return y
            }
            func embed(_ kernel: KernelTable<Double>.Embed) -> [Double] {
                var y = [Double](repeating: .nan, count: window.dimensions.elementCount)
                part.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, window, 0, $0.baseAddress!) } }
                return y
            }
            let (sliced, embedded) = (slice(table.slice), embed(table.embed))
            #expect(sliced == slice(ReferenceKernels.slice) && embedded == embed(ReferenceKernels.embed), "\(window)")
            // ⟨slice(x), p⟩ = ⟨x, embed(p)⟩ (both sums of the same products, in different orders).
            let left = zip(sliced, part).reduce(0) { $0 + $1.0 * $1.1 }, right = zip(array, embedded).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(left - right) <= 1e-12)
        }
    }

    @Test("concatenation along the middle axis of inputs of different sizes", arguments: runnableLevels)
    func concatenate(_ level: KernelLevel) {
        let (outer, inner, sizes) = (3, 5, [2, 0, 4, 1])
        let inputs: [[Float]] = sizes.enumerated().map { seededValues(outer * $1 * inner, in: -1..<1, seed: 20 + UInt64($0)) }
        func run(_ kernel: KernelTable<Float>.Concatenate) -> [Float] {
            var y = [Float](repeating: .nan, count: outer * sizes.reduce(0, +) * inner)
            let buffers = inputs.map { input in
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(input.count, 1))
                buffer.initialize(from: input, count: input.count)
                return buffer
            }
            defer { buffers.forEach { $0.deallocate() } }
            let pointers = buffers.map { UnsafeRawPointer($0) }
            pointers.withUnsafeBufferPointer { p in y.withUnsafeMutableBufferPointer { kernel(p.baseAddress!, sizes, outer, inner, $0.baseAddress!) } }
            return y
        }
        let joined = run(level.table(Float.self).concatenate)
        #expect(joined == run(ReferenceKernels.concatenate))
        #expect(Array(joined[10..<30]) == inputs[2].prefix(20).map { $0 })
    }

    @Test("a batch of products with a broadcast operand, every transposition, Float and Double: each product as the single GEMM computes it, 1 and 2 threads alike",
          arguments: runnableLevels, [(false, false), (true, false), (false, true), (true, true)])
    func batchedGemm(_ level: KernelLevel, _ transposes: (Bool, Bool)) {
        // Large enough for the threads to share the products out; partial tiles (40 and 27 rows),
        // B in place (64 columns) or in a partial panel (70); k with a tail past whole blocks;
        // many tiny products (8 × 16 × 8), which take the plain loop without a scratch buffer.
        checkBatchedGemm(level.table(Float.self), transposes, (m: 40, n: 64, k: 36, count: 6))
        checkBatchedGemm(level.table(Float.self), transposes, (m: 27, n: 70, k: 20, count: 15))
        checkBatchedGemm(level.table(Float.self), transposes, (m: 8, n: 16, k: 8, count: 512))
        checkBatchedGemm(level.table(Double.self), transposes, (m: 40, n: 64, k: 36, count: 6))
    }
}

/// Checks `table`'s batched GEMM on `shape.count` products that use A_i and B_(i mod 2): the
/// same bits on 1 and 2 threads, each product the bits of `table`'s single GEMM, and the
/// reference's values.
func checkBatchedGemm<Scalar: VectorKernelScalar>(_ table: KernelTable<Scalar>, _ transposes: (Bool, Bool),
                                                  _ shape: (m: Int, n: Int, k: Int, count: Int)) {
    let (m, n, k, count) = shape
    #expect(m * n * k * count >= Gemm<Scalar>.parallelVolume)
    let a: [Scalar] = seededValues(count * m * k, in: -1..<1, seed: 30), b: [Scalar] = seededValues(2 * k * n, in: -1..<1, seed: 31)
    let batch = GemmBatch(aOffsets: (0..<count).map { $0 * m * k }, bOffsets: (0..<count).map { $0 % 2 * k * n }, cStride: m * n)
    func run(_ kernel: (GemmOperands<Scalar>) -> Void) -> [Scalar] {
        var c = [Scalar](repeating: .nan, count: count * m * n)
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            kernel(GemmOperands(m: m, n: n, k: k, a: a.baseAddress!, lda: transposes.0 ? m : k, transposeA: transposes.0,
                                b: b.baseAddress!, ldb: transposes.1 ? k : n, transposeB: transposes.1,
                                c: c.baseAddress!, ldc: n, accumulate: false))
        } } }
        return c
    }
    let one = withThreadCount(1) { run { table.batchedGemm($0, batch) } }
    #expect(one == withThreadCount(2) { run { table.batchedGemm($0, batch) } }, "\(Scalar.self) \(shape)")
    let single = run { operands in
        for i in 0..<count {
            var product = operands
            (product.a, product.b, product.c) = (product.a + batch.aOffsets[i], product.b + batch.bOffsets[i], product.c + i * batch.cStride)
            table.gemm(product)
        }
    }
    #expect(one == single, "\(Scalar.self) \(shape)")
    let reference = run { ReferenceKernels.batchedGemm($0, batch) }
    #expect(disagreement(one, reference, inputs: one, absolute: 1e-5, relative: 1e-5) == nil, "\(Scalar.self) \(shape)")
}
