import Foundation

/// The scalar types kernels compute on: `Float` (training) and `Double` (gradient checks),
/// with the C library's mathematics, which the reference kernels use (the fast kernels have
/// their own vector functions).
package protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable
where RawSignificand: FixedWidthInteger {
    static func libraryExponential(_ x: Self) -> Self
    static func libraryLogarithm(_ x: Self) -> Self
    static func libraryHyperbolicTangent(_ x: Self) -> Self
}

extension Float: KernelScalar {
    package static func libraryExponential(_ x: Float) -> Float { Foundation.exp(x) }
    package static func libraryLogarithm(_ x: Float) -> Float { Foundation.log(x) }
    package static func libraryHyperbolicTangent(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: KernelScalar {
    package static func libraryExponential(_ x: Double) -> Double { Foundation.exp(x) }
    package static func libraryLogarithm(_ x: Double) -> Double { Foundation.log(x) }
    package static func libraryHyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }
}
