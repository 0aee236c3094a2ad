/// The CPU kernels of one scalar type: raw loops on pointers, with no knowledge of tensors or of
/// the tape.
///
/// Every caller (tensor primitives, optimisers, metrics) reaches the kernels through this table,
/// so generic code costs one indirect call per operation and every loop runs specialised for
/// `Float` or `Double`. One kernel serves the forward and the backward callers alike. Each
/// instruction-set level (the `Kernels` module chooses one per process) and the reference loops
/// fill a table of their own.
@usableFromInline
package final class KernelTable<Scalar>: Sendable {
    /// `output[i] = operation(input[i])` for `count` elements.
    package typealias Unary = @Sendable (_ operation: UnaryKernel<Scalar>, _ input: UnsafePointer<Scalar>,
                                         _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// `output[i] = lhs[i] ∘ rhs[i]` for `count` elements.
    package typealias Binary = @Sendable (_ operation: BinaryKernel<Scalar>, _ lhs: UnsafePointer<Scalar>,
                                          _ rhs: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                                          _ count: Int) -> Void
    /// `output[r, c] = input[r, c] + bias[c]` over `rows` rows of `columns`, then max(0, ·) when `rectify`.
    package typealias AddBias = @Sendable (_ input: UnsafePointer<Scalar>, _ bias: UnsafePointer<Scalar>,
                                           _ output: UnsafeMutablePointer<Scalar>, _ rows: Int, _ columns: Int,
                                           _ rectify: Bool) -> Void
    /// `C = op(A) · op(B)` (or `C += …`), row-major, see ``GemmOperands``.
    package typealias Gemm = @Sendable (_ operands: GemmOperands<Scalar>) -> Void
    /// Moves elements between an array of dimensions `source` and one of dimensions `target`
    /// (broadcasting copies, its adjoint sums; shapes right-aligned, NumPy rules).
    package typealias Reshaping = @Sendable (_ input: UnsafePointer<Scalar>, _ source: [Int],
                                             _ output: UnsafeMutablePointer<Scalar>, _ target: [Int]) -> Void
    /// `output` = `input` (dimensions `source`) with its axes permuted: output axis i is input axis `permutation[i]`.
    package typealias Transpose = @Sendable (_ input: UnsafePointer<Scalar>, _ source: [Int], _ permutation: [Int],
                                             _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// Softmax (or log-softmax when `logarithmic`) along the middle axis of an (outer, size, inner) layout.
    package typealias Softmax = @Sendable (_ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                                           _ layout: AxisLayout, _ logarithmic: Bool) -> Void
    /// Softmax of `rows` contiguous rows of `size` entries, in blocks of `size` rows (a [..., T, T]
    /// array of attention scores, T = `size`): row i of each block over its entries 0...i, the
    /// others 0 (softmax with the causal mask, without the mask).
    package typealias CausalSoftmax = @Sendable (_ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                                                 _ rows: Int, _ size: Int) -> Void
    /// −Σᵢ Σₖ targets[i, k] · log softmax(logits[i, :])ₖ over `rows` rows of `classes` entries.
    package typealias CrossEntropy = @Sendable (_ logits: UnsafePointer<Scalar>, _ targets: UnsafePointer<Scalar>,
                                                _ rows: Int, _ classes: Int) -> Scalar
    /// Σ (a[i] − b[i])² over `count` elements.
    package typealias SquaredDistance = @Sendable (_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>,
                                                   _ count: Int) -> Scalar
    /// y = conv(x, w): the cross-correlation of NHWC images with an HWIO filter (zero padding);
    /// with a `bias` (one per output channel), y = conv(x, w) + b, then max(0, ·) when `rectify`.
    package typealias Convolution = @Sendable (_ input: UnsafePointer<Scalar>, _ filter: UnsafePointer<Scalar>,
                                               _ bias: UnsafePointer<Scalar>?, _ rectify: Bool,
                                               _ output: UnsafeMutablePointer<Scalar>, _ geometry: ConvolutionGeometry) -> Void
    /// One of the two adjoints of `convolution`, from two operands to the third.
    package typealias ConvolutionAdjoint = @Sendable (_ first: UnsafePointer<Scalar>, _ second: UnsafePointer<Scalar>,
                                                      _ output: UnsafeMutablePointer<Scalar>,
                                                      _ geometry: ConvolutionGeometry) -> Void
    /// One value per window and channel of NHWC images, as `operation` says (see ``PoolingKernel``).
    package typealias Pool = @Sendable (_ operation: PoolingKernel, _ input: UnsafePointer<Scalar>,
                                        _ output: UnsafeMutablePointer<Scalar>, _ geometry: PoolingGeometry) -> Void
    /// The adjoint of `pool` for a fixed choice of cells (see ``PoolingGradientKernel``).
    package typealias PoolGradient = @Sendable (_ operation: PoolingGradientKernel, _ outputGradient: UnsafePointer<Scalar>,
                                                _ inputGradient: UnsafeMutablePointer<Scalar>,
                                                _ geometry: PoolingGeometry) -> Void
    /// One optimiser update of `count` parameters in place (see ``UpdateRule``), with up to two
    /// state slots of the same length.
    package typealias Update = @Sendable (_ rule: UpdateRule<Scalar>, _ parameters: UnsafeMutablePointer<Scalar>,
                                          _ gradients: UnsafePointer<Scalar>, _ first: UnsafeMutablePointer<Scalar>?,
                                          _ second: UnsafeMutablePointer<Scalar>?, _ count: Int) -> Void
    /// Σ xᵢ² over `count` elements, accumulated in Double.
    package typealias SumOfSquares = @Sendable (_ x: UnsafePointer<Scalar>, _ count: Int) -> Double
    /// Whether none of `count` elements is NaN or infinite.
    package typealias AllFinite = @Sendable (_ x: UnsafePointer<Scalar>, _ count: Int) -> Bool
    /// For each row of a rows × classes matrix of scores: the predicted class (the first largest
    /// score) and, when labels are given, the rank of the label's score (the number of classes
    /// that would be predicted before it; 0 means a correct top-1 prediction).
    package typealias Rank = @Sendable (_ scores: UnsafePointer<Scalar>, _ rows: Int, _ classes: Int,
                                        _ labels: UnsafePointer<Int>?, _ predictions: UnsafeMutablePointer<Int>,
                                        _ ranks: UnsafeMutablePointer<Int>?) -> Void
    /// `output[i] = mask[i] != 0 ? a[i] : b[i]` for `count` elements.
    package typealias Select = @Sendable (_ mask: UnsafePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>,
                                          _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// The largest (`maximum`) or smallest element along the middle axis of an (outer, size,
    /// inner) layout, and in `routes` its offset in `input`, one per output element. Among equal
    /// extremes the first along the axis wins; a NaN wins over numbers (the first NaN).
    package typealias Extremum = @Sendable (_ input: UnsafePointer<Scalar>, _ layout: AxisLayout, _ maximum: Bool,
                                            _ output: UnsafeMutablePointer<Scalar>, _ routes: UnsafeMutablePointer<Int>) -> Void
    /// Block i of `output` (`blockSize` elements) is block `routes[i]` of `input`, for `count` blocks.
    package typealias Gather = @Sendable (_ input: UnsafePointer<Scalar>, _ routes: UnsafePointer<Int>, _ count: Int,
                                          _ blockSize: Int, _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// The adjoint of `gather`: `output` (`outputCount` elements) is zero, plus block i of
    /// `input` added to block `routes[i]`, for `count` blocks (repeated routes add up).
    package typealias ScatterAdd = @Sendable (_ input: UnsafePointer<Scalar>, _ routes: UnsafePointer<Int>, _ count: Int,
                                              _ blockSize: Int, _ output: UnsafeMutablePointer<Scalar>, _ outputCount: Int) -> Void
    /// `output` (of the window's extents) = the elements of `input` (of its dimensions) in `window`.
    package typealias Slice = @Sendable (_ input: UnsafePointer<Scalar>, _ window: StridedWindow,
                                         _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// The adjoint of `slice` with a fill: `output` (of the window's dimensions) holds `fill`
    /// everywhere but in `window`, which holds `input` (of the window's extents).
    package typealias Embed = @Sendable (_ input: UnsafePointer<Scalar>, _ window: StridedWindow, _ fill: Scalar,
                                         _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// The arrays at `inputs` (each (outer, sizes[k], inner), row-major) side by side along their
    /// middle axis into `output` (outer, Σ sizes, inner).
    package typealias Concatenate = @Sendable (_ inputs: UnsafePointer<UnsafeRawPointer>, _ sizes: [Int], _ outer: Int,
                                               _ inner: Int, _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// y = γ (x − μ) / √(σ² + ε) + β for the groups and channels of `layout` (then max(0, y) when
    /// `rectified`), with each group's mean μ and biased variance σ² written to `statistics`
    /// (the means, then the variances).
    package typealias Normalize = @Sendable (_ input: UnsafePointer<Scalar>, _ scale: UnsafePointer<Scalar>,
                                             _ shift: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                                             _ statistics: UnsafeMutablePointer<Scalar>, _ layout: NormalizationLayout,
                                             _ epsilon: Scalar, _ rectified: Bool) -> Void
    /// The pullback of `normalize` at the output's cotangent, from the input, the scale and the
    /// statistics `normalize` wrote: the input's cotangent (when `inputGradient` is given) and
    /// the scale's and the shift's, Σ ḡ x̂ and Σ ḡ per channel. With `rectifiedOutput` (the output
    /// of a rectified `normalize`), ḡ counts only where that output is positive.
    package typealias NormalizeGradient = @Sendable (_ outputGradient: UnsafePointer<Scalar>, _ input: UnsafePointer<Scalar>,
                                                     _ scale: UnsafePointer<Scalar>, _ statistics: UnsafePointer<Scalar>,
                                                     _ layout: NormalizationLayout, _ epsilon: Scalar,
                                                     _ rectifiedOutput: UnsafePointer<Scalar>?,
                                                     _ inputGradient: UnsafeMutablePointer<Scalar>?,
                                                     _ scaleGradient: UnsafeMutablePointer<Scalar>,
                                                     _ shiftGradient: UnsafeMutablePointer<Scalar>) -> Void
    /// One matrix product per slice of `batch`, each as `gemm` computes it (see ``GemmBatch``).
    package typealias BatchedGemm = @Sendable (_ operands: GemmOperands<Scalar>, _ batch: GemmBatch) -> Void

    package let unary: Unary
    package let binary: Binary
    package let addBias: AddBias
    package let gemm: Gemm
    /// Copies `input` (dimensions `source`, right-aligned and broadcast) into `output` of `target`.
    package let broadcast: Reshaping
    /// Sums `input` of dimensions `source` into `output` of the broadcast-compatible `target`
    /// (the adjoint of `broadcast`; an empty `input` gives zeros).
    package let reduceSum: Reshaping
    package let transpose: Transpose
    package let softmax: Softmax
    package let causalSoftmax: CausalSoftmax
    package let crossEntropy: CrossEntropy
    package let squaredDistance: SquaredDistance
    package let convolution: Convolution
    /// x̄ = convT(ȳ, w) from (ȳ, w), the adjoint of `convolution` in the image:
    /// ⟨conv(x, w), ȳ⟩ = ⟨x, convT(ȳ, w)⟩.
    package let convolutionInputGradient: ConvolutionAdjoint
    /// w̄ = convF(x, ȳ) from (x, ȳ), the adjoint of `convolution` in the filter:
    /// ⟨conv(x, w), ȳ⟩ = ⟨convF(x, ȳ), w⟩.
    package let convolutionFilterGradient: ConvolutionAdjoint
    package let pool: Pool
    package let poolGradient: PoolGradient
    package let update: Update
    package let sumOfSquares: SumOfSquares
    package let allFinite: AllFinite
    package let rank: Rank
    package let select: Select
    package let extremum: Extremum
    package let gather: Gather
    package let scatterAdd: ScatterAdd
    package let slice: Slice
    package let embed: Embed
    package let concatenate: Concatenate
    package let batchedGemm: BatchedGemm
    package let normalize: Normalize
    package let normalizeGradient: NormalizeGradient

    package init(unary: @escaping Unary, binary: @escaping Binary, addBias: @escaping AddBias, gemm: @escaping Gemm,
                 broadcast: @escaping Reshaping, reduceSum: @escaping Reshaping, transpose: @escaping Transpose,
                 softmax: @escaping Softmax, causalSoftmax: @escaping CausalSoftmax, crossEntropy: @escaping CrossEntropy,
                 squaredDistance: @escaping SquaredDistance, convolution: @escaping Convolution,
                 convolutionInputGradient: @escaping ConvolutionAdjoint,
                 convolutionFilterGradient: @escaping ConvolutionAdjoint, pool: @escaping Pool,
                 poolGradient: @escaping PoolGradient, update: @escaping Update, sumOfSquares: @escaping SumOfSquares,
                 allFinite: @escaping AllFinite, rank: @escaping Rank, select: @escaping Select,
                 extremum: @escaping Extremum, gather: @escaping Gather, scatterAdd: @escaping ScatterAdd,
                 slice: @escaping Slice, embed: @escaping Embed, concatenate: @escaping Concatenate,
                 batchedGemm: @escaping BatchedGemm, normalize: @escaping Normalize,
                 normalizeGradient: @escaping NormalizeGradient) {
        (self.unary, self.binary, self.addBias, self.gemm) = (unary, binary, addBias, gemm)
        (self.broadcast, self.reduceSum, self.transpose, self.softmax) = (broadcast, reduceSum, transpose, softmax)
        (self.causalSoftmax, self.crossEntropy, self.squaredDistance) = (causalSoftmax, crossEntropy, squaredDistance)
        (self.convolution, self.convolutionInputGradient, self.convolutionFilterGradient) =
            (convolution, convolutionInputGradient, convolutionFilterGradient)
        (self.pool, self.poolGradient) = (pool, poolGradient)
        (self.update, self.sumOfSquares, self.allFinite, self.rank) = (update, sumOfSquares, allFinite, rank)
        (self.select, self.extremum, self.gather, self.scatterAdd) = (select, extremum, gather, scatterAdd)
        (self.slice, self.embed, self.concatenate, self.batchedGemm) = (slice, embed, concatenate, batchedGemm)
        (self.normalize, self.normalizeGradient) = (normalize, normalizeGradient)
    }
}
