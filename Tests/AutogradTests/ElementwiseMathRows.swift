@testable import Autograd

/// Rows of the primitive table for the element-wise mathematics, the smooth activations,
/// comparisons, minimum, maximum and where. Derivative primitives are checked as the pullbacks
/// that record them (as ReLU's `reluBackward` is).
let elementwiseMathRows: [PrimitiveCase] = [
    row(.squareRoot, "positive", [[3, 4]], in: 0.2..<3) { $0[0].sqrt() },
    row(.reciprocalSquareRoot, "positive", [[3, 4]], in: 0.2..<3) { $0[0].rsqrt() },
    row(.square, "matrix", [[3, 4]], in: -2..<2) { $0[0].square() },
    row(.absolute, "away from the kink", [[3, 4]], awayFromZero: 0.05) { $0[0].abs() },
    row(.sign, "piecewise constant (zero derivative)", [[3, 4]], awayFromZero: 0.05) { $0[0].sign() * $0[0].exp() },
    row(.sine, "several periods", [[3, 4]], in: -7..<7) { $0[0].sin() },
    row(.cosine, "several periods", [[3, 4]], in: -7..<7) { $0[0].cos() },
    row(.power, "cube, negative bases", [[3, 4]], in: -2..<2) { $0[0].pow(3) },
    row(.power, "x^−1.5, positive", [[3, 4]], in: 0.3..<2) { $0[0].pow(-1.5) },
    row(.powerTensor, "positive bases, tensor exponent", [[3, 4], [3, 4]], in: 0.3..<2) { $0[0].pow($0[1]) },
    row(.powerTensor, "exponent row broadcast", [[3, 4], [4]], in: 0.3..<2) { $0[0].pow($0[1]) },
    row(.clamp, "to [−0.5, 0.5]", [[4, 5]]) { $0[0].clamp(min: -0.5, max: 0.5) },
    row(.clamp, "below only", [[4, 5]]) { $0[0].clamp(min: 0.2) },
    row(.clampDerivative, "as clamp's recorded pullback", [[4, 5], [4, 5]]) { v in
        recordedPullback(of: { $0[0].clamp(min: -0.5, max: 0.5) }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.softplus, "wide range", [[3, 4]], in: -6..<6) { $0[0].softplus() },
    row(.silu, "wide range", [[3, 4]], in: -6..<6) { $0[0].silu() },
    row(.siluDerivative, "as SiLU's recorded pullback", [[3, 4], [3, 4]], in: -4..<4) { v in
        recordedPullback(of: { $0[0].silu() }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.geluErf, "erf form", [[3, 4]], in: -4..<4) { $0[0].gelu() },
    row(.geluErfDerivative, "as the erf form's recorded pullback", [[3, 4], [3, 4]], in: -3..<3) { v in
        recordedPullback(of: { $0[0].gelu() }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.geluTanh, "tanh form", [[3, 4]], in: -4..<4) { $0[0].gelu(approximation: .tanh) },
    row(.geluTanhDerivative, "as the tanh form's recorded pullback", [[3, 4], [3, 4]], in: -3..<3) { v in
        recordedPullback(of: { $0[0].gelu(approximation: .tanh) }, at: [v[1]], cotangent: v[0])[0]
    },
    row(.minimum, "matrices", [[3, 4], [3, 4]]) { minimum($0[0], $0[1]) },
    row(.minimum, "row broadcast", [[3, 4], [4]]) { minimum($0[0], $0[1]) },
    row(.maximum, "matrices", [[3, 4], [3, 4]]) { maximum($0[0], $0[1]) },
    row(.maximum, "column broadcast", [[3, 1], [3, 4]]) { maximum($0[0], $0[1]) },
    row(.comparison, "a mask times a value (zero derivative in the mask)", [[3, 4], [3, 4]]) { ($0[0] .> $0[1]) * $0[0] },
    row(.select, "where, all of one shape", [[3, 4], [3, 4], [3, 4]]) { Tensor.where($0[0] .> 0, $0[1], $0[2]) },
    row(.select, "where, broadcasting mask and operands", [[3, 1], [3, 4], [4]]) { Tensor.where($0[0] .< 0, $0[1], $0[2]) },
]
