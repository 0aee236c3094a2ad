import KernelSupport

// Smooth activations: softplus, SiLU (swish) and GELU in its two forms. Each derivative is a
// kernel of its own (one pass in the backward step), recorded as a primitive whose derivative,
// the activation's second derivative, is written with tensor operations: every order follows.

/// Which form of GELU to compute, as PyTorch's `approximate` argument.
public enum GELUApproximation: Sendable {
    /// x Φ(x) = ½x(1 + erf(x/√2)), the exact form (PyTorch's default, `approximate='none'`).
    case none
    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (`approximate='tanh'`, GPT-2's form).
    case tanh
}

extension Tensor where Scalar: TensorScalar {
    /// ln(1 + eˣ) element-wise, without overflow for large x. Pullback: ȳ σ(x); pushforward: ẋ σ(x).
    @_specialize(where Scalar == Float)
    public func softplus() -> Tensor { elementwise(.softplus, .softplus) { x, _ in x.sigmoid() } }

    /// x σ(x) element-wise (SiLU, also called swish). Pullback: ȳ σ(x)(1 + x(1 − σ(x))), one
    /// `siluDerivative`; pushforward likewise.
    @_specialize(where Scalar == Float)
    public func silu() -> Tensor {
        elementwise(.silu, .silu) { x, _ in
            // (σ(1 + x(1 − σ)))′ = σ(1 − σ)(2 + x(1 − 2σ)).
            x.elementwise(.siluDerivative, .siluDerivative) { x, _ in
                let s = x.sigmoid()
                return s * (1 - s) * (2 + x * (1 - 2 * s))
            }
        }
    }

    /// GELU element-wise, in the `approximation` PyTorch names (default: the exact erf form).
    /// Pullback: ȳ GELU′(x), one `geluErfDerivative` or `geluTanhDerivative`; pushforward likewise.
    @_specialize(where Scalar == Float)
    public func gelu(approximation: GELUApproximation = .none) -> Tensor {
        switch approximation {
        case .none:
            return elementwise(.geluErf, .geluErf) { x, _ in
                // (Φ + xφ)′ = φ(2 − x²), φ(x) = e^(−x²/2)/√(2π).
                x.elementwise(.geluErfDerivative, .geluErfDerivative) { x, _ in
                    (x * x * -0.5).exp() * (0.398_942_280_401_432_7 * (2 - x * x))
                }
            }
        case .tanh:
            return elementwise(.geluTanh, .geluTanh) { x, _ in
                // f = x σ(v), v = a x + b x³: f′ = s + x s(1 − s) v′, and
                // f″ = s(1 − s)(2v′ + x((1 − 2s) v′² + v″)) with s = σ(v), v′ = a + 3b x², v″ = 6b x.
                x.elementwise(.geluTanhDerivative, .geluTanhDerivative) { x, _ in
                    let (a, b): (Scalar, Scalar) = (1.595_769_121_605_730_7, 0.071_354_816_272_600_25)
                    let s = (x * (a + b * x * x)).sigmoid()
                    let slope = a + 3 * b * x * x
                    return s * (1 - s) * (2 * slope + x * ((1 - 2 * s) * slope * slope + 6 * b * x))
                }
            }
        }
    }
}
