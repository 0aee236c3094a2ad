import KernelSupport
import Foundation

/// A kernel scalar with a SIMD vector type, both usable as the lanes of element-wise formulas,
/// so that one generic kernel serves `Float` and `Double` and runs specialised for each.
///
/// `Vector` holds 64 bytes (16 `Float` or 8 `Double`): two 256-bit registers with AVX2, one with
/// AVX-512. `Float` evaluates exp, log and tanh with polynomials on whole vectors; `Double`
/// (which runs gradient checks) keeps the C library, one lane at a time.
///
/// `Panel` is a row of the micro-kernels' register tiles (GEMM, convolution): one `Vector`, or
/// two in the AVX-512 module (`KERNELS_AVX512`, Package.swift). A tile of six rows then keeps
/// twelve independent 512-bit accumulators in flight; with six (one `Vector` a row) the GEMM
/// reached only about half of a 512-bit core's peak.
protocol VectorKernelScalar: KernelScalar, MathLanes where Element == Self {
    associatedtype Vector: SIMD & MathLanes & TransposingLanes where Vector.Scalar == Self, Vector.Element == Self
    associatedtype Panel: PanelLanes where Panel.Element == Self
}

/// What an element-wise formula computes on: a whole vector of scalars, or a single scalar.
///
/// Each formula of ``UnaryKernel`` and ``BinaryKernel`` is written once, generic over its lanes;
/// the kernels run it on vectors through the body of an array and on single elements after the
/// last whole vector (all of a netbp tensor). Every operation is lane-wise and a single `Float`'s
/// exp, log and tanh are lane 0 of the vector functions, so an element's result does not depend
/// on where it sits.
protocol ElementwiseLanes {
    associatedtype Element
    init(repeating value: Element)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// `positive` where `x` is above zero, `otherwise` elsewhere (NaN and ±0 are not above zero).
    /// A requirement, so that the comparison is the concrete vector instruction: the generic `.>`
    /// and `replacing(with:where:)` compile to a loop over lanes.
    static func choosing(_ positive: Self, whereAboveZero x: Self, otherwise: Self) -> Self
    /// e^x in every lane.
    static func exp(_ x: Self) -> Self
    /// The natural logarithm of every lane.
    static func log(_ x: Self) -> Self
    /// The hyperbolic tangent of every lane.
    static func tanh(_ x: Self) -> Self
}

extension Float: VectorKernelScalar {
    typealias Vector = SIMD16<Float>
#if KERNELS_AVX512
    typealias Panel = FloatPanelPair
#else
    typealias Panel = SIMD16<Float>
#endif
    init(repeating value: Float) { self = value }
    @inline(__always)
    static func choosing(_ positive: Float, whereAboveZero x: Float, otherwise: Float) -> Float { x > 0 ? positive : otherwise }
    // Inlined whole, so that the compiler keeps only the lane the scalar needs: called out of
    // line, the 16-lane function made netbp's step half as slow again.
    @inline(__always) static func exp(_ x: Float) -> Float { Vector.exp(Vector(repeating: x))[0] }
    @inline(__always) static func log(_ x: Float) -> Float { Vector.log(Vector(repeating: x))[0] }
    @inline(__always) static func tanh(_ x: Float) -> Float { Vector.tanh(Vector(repeating: x))[0] }
}

extension SIMD16: ElementwiseLanes where Scalar == Float {
    typealias Element = Float
    @inline(__always) static func exp(_ x: Self) -> Self { FloatVectorMath.exponential(x) }
    @inline(__always) static func log(_ x: Self) -> Self { FloatVectorMath.logarithm(x) }
    @inline(__always) static func tanh(_ x: Self) -> Self { FloatVectorMath.hyperbolicTangent(x) }
    @inline(__always)
    static func choosing(_ positive: Self, whereAboveZero x: Self, otherwise: Self) -> Self {
        otherwise.blending(positive, where: x .> 0)
    }
}

extension Double: VectorKernelScalar {
    typealias Vector = SIMD8<Double>
    /// One vector even with AVX-512: `Double` runs the gradient checks, not the hot loops.
    typealias Panel = SIMD8<Double>
    init(repeating value: Double) { self = value }
    @inline(__always)
    static func choosing(_ positive: Double, whereAboveZero x: Double, otherwise: Double) -> Double { x > 0 ? positive : otherwise }
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    static func log(_ x: Double) -> Double { Foundation.log(x) }
    static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

extension SIMD8: ElementwiseLanes where Scalar == Double {
    typealias Element = Double
    static func exp(_ x: Self) -> Self { laneByLane(x, Foundation.exp) }
    static func log(_ x: Self) -> Self { laneByLane(x, Foundation.log) }
    static func tanh(_ x: Self) -> Self { laneByLane(x, Foundation.tanh) }
    @inline(__always)
    static func choosing(_ positive: Self, whereAboveZero x: Self, otherwise: Self) -> Self {
        otherwise.replacing(with: positive, where: x .> 0)
    }

    /// `function` applied to each lane (the C library's accuracy, no vector speed).
    @inline(__always)
    static func laneByLane(_ x: Self, _ function: (Double) -> Double) -> Self {
        var result = x
        for lane in x.indices { result[lane] = function(x[lane]) }
        return result
    }
}

extension UnsafePointer where Pointee: VectorKernelScalar {
    /// The `Vector` starting at this element (no alignment needed).
    @inline(__always)
    func loadVector() -> Pointee.Vector { loadVector(as: Pointee.Vector.self) }

    /// The first `count` elements here (fewer than a `Vector`) in the low lanes, `padding` above.
    @inline(__always)
    func loadVector(count: Int, padding: Pointee = 0) -> Pointee.Vector {
        loadVector(count: count, padding: padding, as: Pointee.Vector.self)
    }

    /// The vector of type `V` (a `Vector` or a `Panel`) starting at this element.
    @inline(__always)
    func loadVector<V: ElementwiseLanes>(as _: V.Type) -> V where V.Element == Pointee {
        UnsafeRawPointer(self).loadUnaligned(as: V.self)
    }

    /// The first `count` elements here (fewer than a `V`) in the low lanes, `padding` above.
    @inline(__always)
    func loadVector<V: ElementwiseLanes>(count: Int, padding: Pointee = 0, as _: V.Type) -> V where V.Element == Pointee {
        var vector = V(repeating: padding)
        withUnsafeMutableBytes(of: &vector) { lanes in
            copySmall(from: UnsafeRawPointer(self), to: lanes.baseAddress!, bytes: count * MemoryLayout<Pointee>.stride)
        }
        return vector
    }
}

extension UnsafeMutablePointer where Pointee: VectorKernelScalar {
    /// Writes `vector` to the elements starting here (no alignment needed).
    @inline(__always)
    func storeVector<V: ElementwiseLanes>(_ vector: V) where V.Element == Pointee {
        UnsafeMutableRawPointer(self).storeBytes(of: vector, as: V.self)
    }

    /// Writes the first `count` lanes of `vector` (fewer than a vector) to the elements here.
    @inline(__always)
    func storeVector<V: ElementwiseLanes>(_ vector: V, count: Int) where V.Element == Pointee {
        withUnsafeBytes(of: vector) { lanes in
            copySmall(from: lanes.baseAddress!, to: UnsafeMutableRawPointer(self), bytes: count * MemoryLayout<Pointee>.stride)
        }
    }
}

/// Copies `bytes` (fewer than 128, a multiple of 4) with at most five fixed-size moves. A loop
/// of element copies compiles to a call to `memmove`, which cost 10 % of the netbp step (tensors
/// of 2 and 3 elements, every one a partial vector).
@inline(__always)
private func copySmall(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, bytes: Int) {
    var offset = 0
    @inline(__always) func move<Chunk>(_: Chunk.Type) {
        guard bytes & MemoryLayout<Chunk>.size != 0 else { return }
        (target + offset).storeBytes(of: (source + offset).loadUnaligned(as: Chunk.self), as: Chunk.self)
        offset += MemoryLayout<Chunk>.size
    }
    move(SIMD8<UInt64>.self)
    move(SIMD4<UInt64>.self)
    move(SIMD2<UInt64>.self)
    move(UInt64.self)
    move(UInt32.self)
}
