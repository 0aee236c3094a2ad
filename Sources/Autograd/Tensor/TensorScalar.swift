import Kernels
import KernelSupport

/// The element types a ``Tensor`` can hold: `Float` (training) and `Double` (gradient checks).
///
/// The kernels behind every operation exist for these two types only.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {}

extension Float: TensorScalar {}
extension Double: TensorScalar {}

extension TensorScalar {
    /// The CPU kernels for this scalar type, at the instruction-set level chosen for this process.
    @inlinable
    package static var kernels: KernelTable<Self> { .selected }
}
