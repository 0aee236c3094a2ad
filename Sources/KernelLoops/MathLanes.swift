import Foundation

/// The lanes of the element-wise kernels (a vector, or one scalar after the last whole vector):
/// ``ElementwiseLanes`` with comparisons and the further functions of ``UnaryKernel`` and
/// ``BinaryKernel``. Kept apart from ``ElementwiseLanes`` so that the micro-kernels' panels need
/// not implement them.
///
/// The comparisons are requirements, so that each is the concrete vector instruction: the
/// generic `.>` and `replacing(with:where:)` compile to a loop over lanes.
protocol MathLanes: ElementwiseLanes {
    /// `yes` in the lanes where `a` > `b`, `otherwise` elsewhere (NaN compares false).
    static func choosing(_ yes: Self, where a: Self, isGreaterThan b: Self, otherwise: Self) -> Self
    /// `yes` where `a` ≥ `b`, `otherwise` elsewhere (NaN compares false).
    static func choosing(_ yes: Self, where a: Self, isAtLeast b: Self, otherwise: Self) -> Self
    /// `yes` where `a` = `b`, `otherwise` elsewhere (NaN equals nothing).
    static func choosing(_ yes: Self, where a: Self, equals b: Self, otherwise: Self) -> Self
    /// The square root of every lane.
    static func squareRoot(_ x: Self) -> Self
    /// |x| in every lane (the sign bit cleared).
    static func magnitude(_ x: Self) -> Self
    /// The sine of every lane.
    static func sin(_ x: Self) -> Self
    /// The cosine of every lane.
    static func cos(_ x: Self) -> Self
    /// The complementary error function, 1 − erf, of every lane.
    static func erfc(_ x: Self) -> Self
}

extension Float: MathLanes {
    @inline(__always)
    static func choosing(_ yes: Float, where a: Float, isGreaterThan b: Float, otherwise: Float) -> Float { a > b ? yes : otherwise }
    @inline(__always)
    static func choosing(_ yes: Float, where a: Float, isAtLeast b: Float, otherwise: Float) -> Float { a >= b ? yes : otherwise }
    @inline(__always)
    static func choosing(_ yes: Float, where a: Float, equals b: Float, otherwise: Float) -> Float { a == b ? yes : otherwise }
    static func squareRoot(_ x: Float) -> Float { x.squareRoot() }
    static func magnitude(_ x: Float) -> Float { x.magnitude }
    // Lane 0 of the vector functions, so that an element's result does not depend on where it sits.
    static func sin(_ x: Float) -> Float { Vector.sin(Vector(repeating: x))[0] }
    static func cos(_ x: Float) -> Float { Vector.cos(Vector(repeating: x))[0] }
    static func erfc(_ x: Float) -> Float { Vector.erfc(Vector(repeating: x))[0] }
}

extension SIMD16: MathLanes where Scalar == Float {
    static func sin(_ x: Self) -> Self { FloatVectorMath.sineOrCosine(x, cosine: false) }
    static func cos(_ x: Self) -> Self { FloatVectorMath.sineOrCosine(x, cosine: true) }
    static func erfc(_ x: Self) -> Self { FloatVectorMath.complementaryErrorFunction(x) }
    @inline(__always)
    static func squareRoot(_ x: Self) -> Self { x.squareRoot() }
    @inline(__always)
    static func magnitude(_ x: Self) -> Self {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7fff_ffff, to: Self.self)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, isGreaterThan b: Self, otherwise: Self) -> Self {
        otherwise.blending(yes, where: a .> b)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, isAtLeast b: Self, otherwise: Self) -> Self {
        otherwise.blending(yes, where: a .>= b)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, equals b: Self, otherwise: Self) -> Self {
        otherwise.blending(yes, where: a .== b)
    }
}

extension Double: MathLanes {
    @inline(__always)
    static func choosing(_ yes: Double, where a: Double, isGreaterThan b: Double, otherwise: Double) -> Double { a > b ? yes : otherwise }
    @inline(__always)
    static func choosing(_ yes: Double, where a: Double, isAtLeast b: Double, otherwise: Double) -> Double { a >= b ? yes : otherwise }
    @inline(__always)
    static func choosing(_ yes: Double, where a: Double, equals b: Double, otherwise: Double) -> Double { a == b ? yes : otherwise }
    static func squareRoot(_ x: Double) -> Double { x.squareRoot() }
    static func magnitude(_ x: Double) -> Double { x.magnitude }
    static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    static func erfc(_ x: Double) -> Double { Foundation.erfc(x) }
}

extension SIMD8: MathLanes where Scalar == Double {
    static func sin(_ x: Self) -> Self { laneByLane(x, Foundation.sin) }
    static func cos(_ x: Self) -> Self { laneByLane(x, Foundation.cos) }
    static func erfc(_ x: Self) -> Self { laneByLane(x, Foundation.erfc) }
    @inline(__always)
    static func squareRoot(_ x: Self) -> Self { x.squareRoot() }
    @inline(__always)
    static func magnitude(_ x: Self) -> Self {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt64>.self) & 0x7fff_ffff_ffff_ffff, to: Self.self)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, isGreaterThan b: Self, otherwise: Self) -> Self {
        otherwise.replacing(with: yes, where: a .> b)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, isAtLeast b: Self, otherwise: Self) -> Self {
        otherwise.replacing(with: yes, where: a .>= b)
    }
    @inline(__always)
    static func choosing(_ yes: Self, where a: Self, equals b: Self, otherwise: Self) -> Self {
        otherwise.replacing(with: yes, where: a .== b)
    }
}
