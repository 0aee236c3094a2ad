import Kernels
import KernelSupport

/// What a ``Tensor`` can hold: `Float` and `Double` (``TensorScalar``: differentiable), or
/// `Int32` for index tensors (class labels, token ids, gather indices, argmax results), which
/// operations take as inputs but never differentiate.
public protocol TensorElement: Numeric, Comparable, Sendable, LosslessStringConvertible {
    /// The element as a `Double` (exact for `Float` and `Int32`), for printing.
    var doubleValue: Double { get }
}

/// The element types of differentiable tensors: `Float` (training) and `Double` (gradient checks).
///
/// The kernels behind every operation exist for these two types only.
public protocol TensorScalar: TensorElement, BinaryFloatingPoint, SIMDScalar, Codable
where RawSignificand: FixedWidthInteger {}

extension Float: TensorScalar {
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorScalar {
    public var doubleValue: Double { self }
}

extension Int32: TensorElement {
    public var doubleValue: Double { Double(self) }
}

extension TensorScalar {
    /// The CPU kernels for this scalar type, at the instruction-set level chosen for this process.
    @inlinable
    package static var kernels: KernelTable<Self> { .selected }
}
