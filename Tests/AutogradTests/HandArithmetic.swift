import Foundation
import Testing
import Autograd

// Plain Double arithmetic for the seeds' hand-derived formulas: vectors are [Double], matrices
// are arrays of rows. Nothing here touches the tape or the kernels, so a formula evaluated with
// these helpers is an independent reference for what the tape computes.

/// The logistic sigmoid 1 / (1 + e^−x).
func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

/// σ′(x) = σ(x)(1 − σ(x)) (seed 004 (2.2)).
func sigmoidDerivative(_ x: Double) -> Double { sigmoid(x) * (1 - sigmoid(x)) }

/// M v.
func product(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
    matrix.map { row in zip(row, vector).reduce(0) { $0 + $1.0 * $1.1 } }
}

/// Mᵀ.
func transposed(_ matrix: [[Double]]) -> [[Double]] {
    (0..<matrix[0].count).map { column in matrix.map { $0[column] } }
}

/// Mᵀ v.
func transposedProduct(_ matrix: [[Double]], _ vector: [Double]) -> [Double] { product(transposed(matrix), vector) }

/// The product of two matrices.
func product(_ lhs: [[Double]], _ rhs: [[Double]]) -> [[Double]] {
    lhs.map { row in
        (0..<rhs[0].count).map { column in zip(row, rhs).reduce(0) { $0 + $1.0 * $1.1[column] } }
    }
}

/// The outer product u vᵀ.
func outer(_ u: [Double], _ v: [Double]) -> [[Double]] { u.map { ui in v.map { ui * $0 } } }

/// The Hadamard product u ∘ v.
func hadamard(_ u: [Double], _ v: [Double]) -> [Double] { zip(u, v).map(*) }

/// u + v.
func sum(_ u: [Double], _ v: [Double]) -> [Double] { zip(u, v).map(+) }

/// u − v.
func difference(_ u: [Double], _ v: [Double]) -> [Double] { zip(u, v).map(-) }

/// The rows of a rank-2 tensor.
func rows(_ tensor: Tensor<Double>) -> [[Double]] {
    let columns = tensor.shape[1]
    return (0..<tensor.shape[0]).map { Array(tensor.scalars[($0 * columns)..<(($0 + 1) * columns)]) }
}

/// A rank-2 tensor from its rows.
func matrix(_ rows: [[Double]]) -> Tensor<Double> {
    Tensor(rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
}

/// Expects `actual` (from the tape) to equal `expected` (from a hand formula) to rounding.
func expectClose(
    _ actual: Tensor<Double>, _ expected: Tensor<Double>, _ what: @autoclosure () -> String,
    tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.isApproximatelyEqual(to: expected, absoluteTolerance: tolerance, relativeTolerance: 1e-10),
            "\(what())\ntape:    \(actual)\nformula: \(expected)", sourceLocation: sourceLocation)
}
