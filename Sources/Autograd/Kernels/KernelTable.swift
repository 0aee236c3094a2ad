/// The CPU kernels of one scalar type: raw loops on pointers, with no knowledge of the tape.
///
/// Tensor code calls kernels through this table, so generic tensor code costs one indirect call
/// per operation and every loop runs specialised for `Float` or `Double`. One kernel serves the
/// forward and the backward callers alike. Faster kernels replace entries of the table without
/// touching any primitive.
public struct KernelTable<Scalar: TensorScalar>: Sendable {
    /// `output[i] = operation(input[i])` for `count` elements.
    let unary: @Sendable (_ operation: UnaryKernel<Scalar>, _ input: UnsafePointer<Scalar>,
                          _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// `output[i] = lhs[i] ∘ rhs[i]` for `count` elements.
    let binary: @Sendable (_ operation: BinaryKernel, _ lhs: UnsafePointer<Scalar>, _ rhs: UnsafePointer<Scalar>,
                           _ output: UnsafeMutablePointer<Scalar>, _ count: Int) -> Void
    /// `C = op(A) · op(B)` (or `C += …` when `accumulate`), row-major, see ``GemmOperands``.
    let gemm: @Sendable (_ operands: GemmOperands<Scalar>) -> Void
    /// Copies `input` (shape `source`, right-aligned and broadcast) into `output` of shape `target`.
    let broadcast: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void
    /// Sums `input` of shape `source` into `output` of the broadcast-compatible shape `target`
    /// (the adjoint of `broadcast`).
    let reduceSum: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape,
                              _ output: UnsafeMutablePointer<Scalar>, _ target: Shape) -> Void
    /// `output` = `input` (shape `source`) with its axes permuted: output axis i is input axis `permutation[i]`.
    let transpose: @Sendable (_ input: UnsafePointer<Scalar>, _ source: Shape, _ permutation: [Int],
                              _ output: UnsafeMutablePointer<Scalar>) -> Void
    /// Softmax (or log-softmax when `logarithmic`) along the middle axis of an (outer, size, inner) layout.
    let softmax: @Sendable (_ input: UnsafePointer<Scalar>, _ output: UnsafeMutablePointer<Scalar>,
                            _ layout: AxisLayout, _ logarithmic: Bool) -> Void
}

/// Element-wise unary kernels; `parameter`-carrying cases take their constant along.
public enum UnaryKernel<Scalar: TensorScalar>: Sendable {
    case negate, exp, log, sigmoid, tanh, relu
    /// Multiplication by a constant.
    case scale(Scalar)
    /// max(x, slope · x) for slope in [0, 1): leaky ReLU.
    case leakyRelu(slope: Scalar)
    /// The derivative of leaky ReLU: 1 where x > 0, `slope` elsewhere (slope 0 gives ReLU′, 0 at 0).
    case leakyReluDerivative(slope: Scalar)
}

/// Element-wise binary kernels.
public enum BinaryKernel: Sendable {
    case add, subtract, multiply, divide
}

/// A row-major matrix product `C = op(A) · op(B)`: `op(A)` is m × k, `op(B)` is k × n, C is m × n.
public struct GemmOperands<Scalar: TensorScalar>: @unchecked Sendable {
    var m: Int, n: Int, k: Int
    var a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool
    var b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool
    var c: UnsafeMutablePointer<Scalar>, ldc: Int
    /// Add the product to C instead of overwriting it.
    var accumulate: Bool
}

/// A tensor seen as (outer, size, inner) around one axis: elements along the axis are `inner` apart.
public struct AxisLayout: Sendable, Hashable {
    var outer: Int, size: Int, inner: Int

    init(_ shape: Shape, axis: Int) {
        outer = shape.dimensions[..<axis].reduce(1, *)
        size = shape[axis]
        inner = shape.dimensions[(axis + 1)...].reduce(1, *)
    }
}

extension KernelTable where Scalar: VectorKernelScalar {
    /// The kernels tensors use: the fastest measured on this machine kind (Docs/Performance.md).
    static func standard() -> KernelTable {
        KernelTable(
            unary: ElementwiseKernels<Scalar>.unary,
            binary: ElementwiseKernels<Scalar>.binary,
            gemm: Gemm<Scalar>.multiply,
            broadcast: BroadcastKernels<Scalar>.broadcast,
            reduceSum: BroadcastKernels<Scalar>.reduceSum,
            transpose: ReferenceKernels<Scalar>.transpose,
            softmax: SoftmaxKernels<Scalar>.softmax)
    }
}
