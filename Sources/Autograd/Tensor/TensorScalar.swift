import Foundation

/// The element types a ``Tensor`` can hold: `Float` (training) and `Double` (gradient checks).
///
/// The protocol is closed: its one requirement hands tensor code the CPU kernels specialised for
/// the concrete type, so that generic tensor code dispatches once per operation rather than once
/// per element.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The kernels for this scalar type. An implementation detail of `Autograd`.
    static var _kernels: KernelTable<Self> { get }
}

extension Float: TensorScalar {
    /// The kernels for `Float`.
    public static var _kernels: KernelTable<Float> { floatKernels }
}

extension Double: TensorScalar {
    /// The kernels for `Double`.
    public static var _kernels: KernelTable<Double> { doubleKernels }
}

private let floatKernels = KernelTable<Float>.standard()
private let doubleKernels = KernelTable<Double>.standard()

/// The C library's scalar mathematics per type: what the reference kernels compute with (the
/// fast kernels' own functions are ``ElementwiseLanes``'s).
protocol KernelScalar: TensorScalar {
    static func libraryExponential(_ x: Self) -> Self
    static func libraryLogarithm(_ x: Self) -> Self
    static func libraryHyperbolicTangent(_ x: Self) -> Self
}

extension Float: KernelScalar {
    static func libraryExponential(_ x: Float) -> Float { Foundation.exp(x) }
    static func libraryLogarithm(_ x: Float) -> Float { Foundation.log(x) }
    static func libraryHyperbolicTangent(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: KernelScalar {
    static func libraryExponential(_ x: Double) -> Double { Foundation.exp(x) }
    static func libraryLogarithm(_ x: Double) -> Double { Foundation.log(x) }
    static func libraryHyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }
}
