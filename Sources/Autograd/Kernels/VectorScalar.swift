import Foundation

/// A kernel scalar with a SIMD vector type and vector versions of the transcendental functions,
/// so that one generic kernel serves `Float` and `Double` and runs specialised for each.
///
/// `Vector` holds 64 bytes (16 `Float` or 8 `Double`): two 256-bit registers with AVX2, one with
/// AVX-512. `Float` evaluates exp, log and tanh with polynomials on whole vectors; `Double`
/// (which runs gradient checks) keeps the C library, one lane at a time.
protocol VectorKernelScalar: KernelScalar {
    associatedtype Vector: SIMD where Vector.Scalar == Self

    /// e^x for every lane.
    static func exponential(_ x: Vector) -> Vector
    /// The natural logarithm of every lane.
    static func logarithm(_ x: Vector) -> Vector
    /// The hyperbolic tangent of every lane.
    static func hyperbolicTangent(_ x: Vector) -> Vector
    /// `positive`'s lane where `x`'s lane is above zero, `otherwise`'s lane elsewhere (NaN and
    /// ±0 are not above zero). A requirement, so that the comparison is the concrete vector
    /// instruction: the generic `.>` and `replacing(with:where:)` compile to a loop over lanes.
    static func choosing(_ positive: Vector, whereAboveZero x: Vector, otherwise: Vector) -> Vector
}

extension Float: VectorKernelScalar {
    typealias Vector = SIMD16<Float>
    static func exponential(_ x: Vector) -> Vector { FloatVectorMath.exponential(x) }
    static func logarithm(_ x: Vector) -> Vector { FloatVectorMath.logarithm(x) }
    static func hyperbolicTangent(_ x: Vector) -> Vector { FloatVectorMath.hyperbolicTangent(x) }
    @inline(__always)
    static func choosing(_ positive: Vector, whereAboveZero x: Vector, otherwise: Vector) -> Vector {
        otherwise.replacing(with: positive, where: x .> 0)
    }
}

extension Double: VectorKernelScalar {
    typealias Vector = SIMD8<Double>
    static func exponential(_ x: Vector) -> Vector { laneByLane(x, Foundation.exp) }
    static func logarithm(_ x: Vector) -> Vector { laneByLane(x, Foundation.log) }
    static func hyperbolicTangent(_ x: Vector) -> Vector { laneByLane(x, Foundation.tanh) }
    @inline(__always)
    static func choosing(_ positive: Vector, whereAboveZero x: Vector, otherwise: Vector) -> Vector {
        otherwise.replacing(with: positive, where: x .> 0)
    }

    /// `function` applied to each lane (the C library's accuracy, no vector speed).
    @inline(__always)
    private static func laneByLane(_ x: Vector, _ function: (Double) -> Double) -> Vector {
        var result = x
        for lane in x.indices { result[lane] = function(x[lane]) }
        return result
    }
}

extension UnsafePointer where Pointee: VectorKernelScalar {
    /// The vector starting at this element (no alignment needed).
    @inline(__always)
    func loadVector() -> Pointee.Vector {
        UnsafeRawPointer(self).loadUnaligned(as: Pointee.Vector.self)
    }
}

extension UnsafePointer where Pointee: VectorKernelScalar {
    /// The first `count` elements here (fewer than a vector) in the low lanes, `padding` above.
    @inline(__always)
    func loadVector(count: Int, padding: Pointee = 0) -> Pointee.Vector {
        var vector = Pointee.Vector(repeating: padding)
        withUnsafeMutableBytes(of: &vector) { lanes in
            copySmall(from: UnsafeRawPointer(self), to: lanes.baseAddress!, bytes: count * MemoryLayout<Pointee>.stride)
        }
        return vector
    }
}

extension UnsafeMutablePointer where Pointee: VectorKernelScalar {
    /// Writes `vector` to the elements starting here (no alignment needed).
    @inline(__always)
    func storeVector(_ vector: Pointee.Vector) {
        UnsafeMutableRawPointer(self).storeBytes(of: vector, as: Pointee.Vector.self)
    }

    /// Writes the first `count` lanes of `vector` (fewer than a vector) to the elements here.
    @inline(__always)
    func storeVector(_ vector: Pointee.Vector, count: Int) {
        withUnsafeBytes(of: vector) { lanes in
            copySmall(from: lanes.baseAddress!, to: UnsafeMutableRawPointer(self), bytes: count * MemoryLayout<Pointee>.stride)
        }
    }
}

/// Copies `bytes` (fewer than 64, a multiple of 4) with at most four fixed-size moves. A loop
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
    move(SIMD4<UInt64>.self)
    move(SIMD2<UInt64>.self)
    move(UInt64.self)
    move(UInt32.self)
}
