import Autograd
import KernelSupport

/// The Euclidean norm of all gradients taken together, √(Σ over tensors of Σ g²).
public func globalNorm<Scalar: TensorScalar>(_ gradients: [Tensor<Scalar>]) -> Double {
    let kernels = Scalar.kernels
    let total = gradients.reduce(0.0) { sum, gradient in
        sum + gradient.withUnsafeBufferPointer { kernels.sumOfSquares($0.baseAddress!, $0.count) }
    }
    return total.squareRoot()
}

/// Scales all gradients by one factor so that their global norm is at most `maxNorm`:
/// g ← g · maxNorm / ‖g‖ when ‖g‖ > maxNorm, unchanged otherwise. Returns the norm before
/// clipping. A non-finite norm leaves the gradients alone (a non-finite guard reports it).
/// `maxNorm` is a literal, a `Double` or the model's scalar type.
@discardableResult
public func clipByGlobalNorm<Scalar: TensorScalar>(_ gradients: inout [Tensor<Scalar>], maxNorm: some BinaryFloatingPoint) -> Double {
    guard maxNorm > 0 else { fatalError("clipByGlobalNorm: maxNorm must be positive, not \(maxNorm)") }
    let maxNorm = Double(maxNorm)
    let norm = globalNorm(gradients)
    guard norm.isFinite, norm > maxNorm else { return norm }
    let factor = Scalar(maxNorm / norm)
    gradients = gradients.map { $0.detached.scaled(by: factor) }
    return norm
}
