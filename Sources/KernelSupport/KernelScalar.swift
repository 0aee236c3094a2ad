import Foundation

/// The scalar types kernels compute on: `Float` (training) and `Double` (gradient checks),
/// with the C library's mathematics, which the reference kernels use (the fast kernels have
/// their own vector functions).
package protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable
where RawSignificand: FixedWidthInteger {
    static func libraryExponential(_ x: Self) -> Self
    static func libraryLogarithm(_ x: Self) -> Self
    static func libraryHyperbolicTangent(_ x: Self) -> Self
    static func librarySine(_ x: Self) -> Self
    static func libraryCosine(_ x: Self) -> Self
    static func libraryComplementaryErrorFunction(_ x: Self) -> Self
    /// ln(1 + x), accurate for small x.
    static func libraryLogOnePlus(_ x: Self) -> Self
    static func libraryPower(_ x: Self, _ y: Self) -> Self
}

extension Float: KernelScalar {
    package static func libraryExponential(_ x: Float) -> Float { Foundation.exp(x) }
    package static func libraryLogarithm(_ x: Float) -> Float { Foundation.log(x) }
    package static func libraryHyperbolicTangent(_ x: Float) -> Float { Foundation.tanh(x) }
    package static func librarySine(_ x: Float) -> Float { Foundation.sin(x) }
    package static func libraryCosine(_ x: Float) -> Float { Foundation.cos(x) }
    package static func libraryComplementaryErrorFunction(_ x: Float) -> Float { Foundation.erfc(x) }
    package static func libraryLogOnePlus(_ x: Float) -> Float { Foundation.log1p(x) }
    package static func libraryPower(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
}

extension Double: KernelScalar {
    package static func libraryExponential(_ x: Double) -> Double { Foundation.exp(x) }
    package static func libraryLogarithm(_ x: Double) -> Double { Foundation.log(x) }
    package static func libraryHyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }
    package static func librarySine(_ x: Double) -> Double { Foundation.sin(x) }
    package static func libraryCosine(_ x: Double) -> Double { Foundation.cos(x) }
    package static func libraryComplementaryErrorFunction(_ x: Double) -> Double { Foundation.erfc(x) }
    package static func libraryLogOnePlus(_ x: Double) -> Double { Foundation.log1p(x) }
    package static func libraryPower(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}
