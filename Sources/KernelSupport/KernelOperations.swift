/// Element-wise unary kernels; `parameter`-carrying cases take their constant along.
package enum UnaryKernel<Scalar: Sendable>: Sendable {
    case negate, exp, log, sigmoid, tanh, relu
    /// Multiplication by a constant.
    case scale(Scalar)
    /// max(x, slope · x) for slope in [0, 1): leaky ReLU.
    case leakyRelu(slope: Scalar)
    /// The derivative of leaky ReLU: 1 where x > 0, `slope` elsewhere (slope 0 gives ReLU′, 0 at 0).
    case leakyReluDerivative(slope: Scalar)
    /// √x and 1/√x.
    case squareRoot, reciprocalSquareRoot
    /// |x|, and its derivative sign(x): −1, 0 or 1.
    case absolute, sign
    /// x · x.
    case square
    /// sin x and cos x (radians).
    case sine, cosine
    /// |x|^p with the sign of x when p is an odd integer; NaN for x < 0 and a non-integer p.
    case power(Scalar)
    /// min(max(x, lower), upper), and its derivative: 1 where lower ≤ x ≤ upper, 0 elsewhere.
    case clamp(lower: Scalar, upper: Scalar)
    case clampDerivative(lower: Scalar, upper: Scalar)
    /// ln(1 + eˣ), without overflow or loss of small results.
    case softplus
    /// x · σ(x) (SiLU, swish), and its derivative σ(x)(1 + x(1 − σ(x))).
    case silu, siluDerivative
    /// GELU in its tanh form, x · σ(2u) = ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³), and its derivative.
    case geluTanh, geluTanhDerivative
    /// GELU in its erf form, x · Φ(x) = ½x(1 + erf(x/√2)), and its derivative Φ(x) + x φ(x).
    case geluErf, geluErfDerivative
}

/// Element-wise binary kernels; `parameter`-carrying cases take their constant along.
package enum BinaryKernel<Scalar: Sendable>: Sendable {
    case add, subtract, multiply, divide
    /// lhs + factor · rhs (two roundings: the product, then the sum).
    case addScaled(Scalar)
    /// max(0, lhs + rhs): a sum and the ReLU after it (a residual block's output).
    case addRelu
    /// lhs where rhs > 0, zero elsewhere: ReLU's pullback ḡ ∘ 1[x > 0] (ReLU′(0) = 0).
    case reluBackward
    /// (lhs · rhs) · (1 − rhs): the sigmoid's pullback ḡ ∘ σ(1 − σ) from its output σ.
    case sigmoidBackward
    /// lhs · (1 − rhs · rhs): tanh's pullback ḡ ∘ (1 − t²) from its output t.
    case tanhBackward
    /// lhs raised to rhs, as ``UnaryKernel/power(_:)`` with a per-element exponent.
    case power
    /// The smaller and the larger of lhs and rhs; NaN when either is NaN.
    case minimum, maximum
    /// 1 where `lhs comparison rhs` holds, 0 elsewhere (NaN compares false, except `notEqual`).
    case compare(Comparison)
}

/// How ``BinaryKernel/compare(_:)`` compares lhs with rhs.
package enum Comparison: String, Sendable, CaseIterable {
    case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual
}

/// A row-major matrix product `C = op(A) · op(B)`: `op(A)` is m × k, `op(B)` is k × n, C is m × n.
/// A is stored m × k (k × m when `transposeA`) with `lda` elements between rows, likewise B;
/// C has `ldc` elements between rows.
/// Inlinable: every matrix product builds one, netbp's 2 × 2 ones included.
@usableFromInline
package struct GemmOperands<Scalar>: @unchecked Sendable {
    @usableFromInline package var m: Int, n: Int, k: Int
    @usableFromInline package var a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool
    @usableFromInline package var b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool
    @usableFromInline package var c: UnsafeMutablePointer<Scalar>, ldc: Int
    /// Add the product to C instead of overwriting it.
    @usableFromInline package var accumulate: Bool

    @inlinable
    package init(m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool,
                 b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool, c: UnsafeMutablePointer<Scalar>, ldc: Int,
                 accumulate: Bool) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.a, self.lda, self.transposeA) = (a, lda, transposeA)
        (self.b, self.ldb, self.transposeB) = (b, ldb, transposeB)
        (self.c, self.ldc, self.accumulate) = (c, ldc, accumulate)
    }
}

/// An array seen as (outer, size, inner) around one axis: elements along the axis are `inner` apart.
package struct AxisLayout: Sendable, Hashable {
    package var outer: Int, size: Int, inner: Int

    /// The layout of `outer` blocks of `size` lines of `inner` elements.
    package init(outer: Int, size: Int, inner: Int) { (self.outer, self.size, self.inner) = (outer, size, inner) }

    /// The layout of an array of `dimensions` around `axis` (in `0..<dimensions.count`).
    package init(_ dimensions: [Int], axis: Int) {
        outer = dimensions[..<axis].reduce(1, *)
        size = dimensions[axis]
        inner = dimensions[(axis + 1)...].reduce(1, *)
    }
}

/// One optimiser step for a parameter tensor, with its coefficients already in the tensor's
/// scalar type. With g′ = g + `coupledDecay` · p (the gradient of an added L2 term):
/// - `.sgd`: p ← `shrink` · p − η g′
/// - `.momentum(μ)`: v ← μ v + g′; p ← `shrink` · p − η v (state `first` = v)
/// - `.adam`: m ← β₁m + (1 − β₁)g′; v ← β₂v + (1 − β₂)g′²;
///   p ← `shrink` · p − η (m · c₁) / (√(v · c₂) + ε) with the bias corrections c₁ = 1/(1 − β₁ᵗ), c₂ = 1/(1 − β₂ᵗ)
///
/// `shrink` = 1 − ηλ applies decoupled weight decay (AdamW); it is 1 otherwise.
package struct UpdateRule<Scalar: Sendable>: Sendable {
    /// The optimiser and its own coefficients.
    package enum Kind: Sendable {
        case sgd
        case momentum(Scalar)
        case adam(beta1: Scalar, beta2: Scalar, epsilon: Scalar, correction1: Scalar, correction2: Scalar)
    }
    package var kind: Kind
    package var learningRate: Scalar
    package var coupledDecay: Scalar
    package var shrink: Scalar

    package init(kind: Kind, learningRate: Scalar, coupledDecay: Scalar, shrink: Scalar) {
        (self.kind, self.learningRate, self.coupledDecay, self.shrink) = (kind, learningRate, coupledDecay, shrink)
    }
}

/// What the pooling kernel computes for each window and channel.
package enum PoolingKernel {
    /// The mean over the whole window area, padding cells counted as zeros.
    case average
    /// The largest input cell; padding cells never win, and among equal largest cells the first
    /// in row-major window order does. The winner's row-major input offset goes to `routes`
    /// (one per output element).
    case maximum(routes: UnsafeMutablePointer<Int>)
    /// The input cell at each offset of `routes`: max pooling with its winners fixed.
    case gather(routes: UnsafePointer<Int>)
}

/// What the pooling gradient kernel does with each output value (the adjoints of ``PoolingKernel``).
package enum PoolingGradientKernel {
    /// Adds value / window area to every input cell of the window (padding cells dropped).
    case average
    /// Adds the value to the input cell at its offset in `routes`.
    case scatter(routes: UnsafePointer<Int>)
}
