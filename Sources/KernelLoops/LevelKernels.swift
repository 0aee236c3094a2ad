import KernelSupport

/// The kernels of this module, one table per scalar type.
///
/// The sources of this folder are compiled once per instruction-set level, each copy a module of
/// its own (`KernelsBaseline`, `KernelsX86v3`, `KernelsX86v4`; Package.swift), and the `Kernels`
/// module chooses one copy per process. Nothing here may run before that choice: every entry
/// point of a copy is reached through its tables.
package enum LevelKernels {
    /// The `Float` and `Double` kernels and the FMA probe.
    package static let tables = LevelKernelTables(float: table(Float.self), double: table(Double.self),
                                                  fmaChains: fmaChains(lanes:iterations:))

    /// The fastest kernel of each entry, specialised for `T`.
    static func table<T: VectorKernelScalar>(_: T.Type) -> KernelTable<T> {
        KernelTable(
            unary: ElementwiseKernels<T>.unary,
            binary: ElementwiseKernels<T>.binary,
            addBias: BiasKernels<T>.addBias,
            gemm: Gemm<T>.multiply,
            broadcast: BroadcastKernels<T>.broadcast,
            reduceSum: BroadcastKernels<T>.reduceSum,
            transpose: StridedKernels<T>.transpose,
            softmax: SoftmaxKernels<T>.softmax,
            causalSoftmax: SoftmaxKernels<T>.causalSoftmax,
            crossEntropy: ReferenceKernels<T>.crossEntropy,
            squaredDistance: ReferenceKernels<T>.squaredDistance,
            convolution: ConvolutionKernels<T>.convolution,
            convolutionInputGradient: ConvolutionKernels<T>.inputGradient,
            convolutionFilterGradient: ConvolutionKernels<T>.filterGradient,
            pool: PoolingKernels<T>.pool,
            poolGradient: PoolingKernels<T>.poolGradient,
            update: TrainingLoops<T>.update,
            sumOfSquares: TrainingLoops<T>.sumOfSquares,
            allFinite: TrainingLoops<T>.allFinite,
            rank: TrainingLoops<T>.rank,
            select: ElementwiseKernels<T>.select,
            extremum: ReductionKernels<T>.extremum,
            gather: IndexingKernels<T>.gather,
            scatterAdd: IndexingKernels<T>.scatterAdd,
            slice: IndexingKernels<T>.slice,
            embed: IndexingKernels<T>.embed,
            concatenate: IndexingKernels<T>.concatenate,
            batchedGemm: Gemm<T>.multiplyBatch,
            normalize: NormalizationKernels<T>.normalize,
            normalizeGradient: NormalizationKernels<T>.normalizeGradient)
    }

    /// The FP32 fused multiply-add throughput probe of `bench peak`: `iterations` steps of 12
    /// independent FMA chains on vectors of `lanes` (8 or 16) `Float`s, compiled for this
    /// module's level; returns a value that depends on every chain.
    package static func fmaChains(lanes: Int, iterations: Int) -> Float {
        lanes == 16 ? fmaChains(SIMD16<Float>.self, iterations) : fmaChains(SIMD8<Float>.self, iterations)
    }

    /// 12 chains: 12 of the 16 AVX2 registers, so that nothing spills.
    @inline(never)
    static func fmaChains<V: SIMD>(_: V.Type, _ iterations: Int) -> Float where V.Scalar == Float {
        let (a, b) = (V(repeating: 1.000_000_1), V(repeating: 0.999_999_9))
        var (c0, c1, c2, c3, c4, c5) = (V(repeating: 0), V(repeating: 1), V(repeating: 2), V(repeating: 3), V(repeating: 4), V(repeating: 5))
        var (c6, c7, c8, c9, c10, c11) = (V(repeating: 6), V(repeating: 7), V(repeating: 8), V(repeating: 9), V(repeating: 10), V(repeating: 11))
        for _ in 0..<iterations {
            c0 = b.addingProduct(c0, a); c1 = b.addingProduct(c1, a); c2 = b.addingProduct(c2, a)
            c3 = b.addingProduct(c3, a); c4 = b.addingProduct(c4, a); c5 = b.addingProduct(c5, a)
            c6 = b.addingProduct(c6, a); c7 = b.addingProduct(c7, a); c8 = b.addingProduct(c8, a)
            c9 = b.addingProduct(c9, a); c10 = b.addingProduct(c10, a); c11 = b.addingProduct(c11, a)
        }
        return ((c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11)).sum()
    }
}
