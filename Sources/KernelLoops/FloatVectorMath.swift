/// exp, log, tanh, sin, cos and erfc of 16 `Float`s at once: Cephes-style range reduction and polynomials,
/// written only with operations that compile to vector instructions (FMA, min/max, compares
/// with blends, bit casts, integer shifts). No lane loops, no `clamped`, no int/float vector
/// conversions: those compile to per-lane code.
///
/// Accuracy against the `Double` C library is measured by `bench accuracy`; the kernel tests
/// bound it.
enum FloatVectorMath {
    typealias Vector = SIMD16<Float>
    typealias Bits = SIMD16<Int32>

    @inline(__always) static func splat(_ value: Float) -> Vector { Vector(repeating: value) }
    @inline(__always) static func bits(_ x: Vector) -> Bits { unsafeBitCast(x, to: Bits.self) }
    @inline(__always) static func float(_ x: Bits) -> Vector { unsafeBitCast(x, to: Vector.self) }

    /// 2ⁿ for integer n in −126...127, built in the exponent field.
    @inline(__always) static func powerOfTwo(_ n: Bits) -> Vector { float((n &+ 127) &<< 23) }

    /// Above this, e^x overflows to +∞; below −103.97, it rounds to 0.
    static let exponentialLimit: Float = 88.72284

    /// e^x. Overflow gives +∞, underflow is gradual (subnormal) then 0 (−∞ gives 0), NaN stays NaN.
    @inline(__always)
    static func exponential(_ x: Vector) -> Vector {
        // Clamped with compares and blends: the standard library's pointwiseMin/pointwiseMax
        // compiled to an out-of-line loop over lanes where this was inlined. NaN passes through.
        let z = x.blending(splat(exponentialLimit), where: x .> splat(exponentialLimit))
            .blending(splat(-103.97208), where: x .< splat(-103.97208))
        // n = round(z / ln 2) by the 1.5 · 2²³ trick: the sum's low mantissa bits hold n.
        let magic = splat(12_582_912)
        let shifted = magic.addingProduct(z, splat(1.442_695_04))
        let n = shifted - magic
        let integerN = bits(shifted) &- bits(magic)
        // r = z − n ln 2, with ln 2 split into an exactly representable part and a correction.
        let r = z.addingProduct(n, splat(-0.693_359_375)).addingProduct(n, splat(2.121_944_4e-4))
        // e^r on |r| ≤ ln 2 / 2 (Cephes expf).
        var p = splat(1.987_569_15e-4)
        p = splat(1.398_199_95e-3).addingProduct(p, r)
        p = splat(8.333_451_907_3e-3).addingProduct(p, r)
        p = splat(4.166_579_589_4e-2).addingProduct(p, r)
        p = splat(1.666_666_545_9e-1).addingProduct(p, r)
        p = splat(5.000_000_120_1e-1).addingProduct(p, r)
        let expR = (r + 1).addingProduct(p, r * r)
        // e^r · 2ⁿ as two factors, so that neither leaves the normal range for n in −150...128.
        let half = integerN &>> 1
        return (expR * powerOfTwo(half) * powerOfTwo(integerN &- half))
            .blending(.infinity, where: x .> splat(exponentialLimit))
            .blending(0, where: x .< splat(-103.97208))
            .blending(x, where: x .!= x)
    }

    /// The natural logarithm: −∞ at ±0, NaN below 0, +∞ at +∞, NaN stays NaN.
    @inline(__always)
    static func logarithm(_ x: Vector) -> Vector {
        // Subnormals: scale by 2²⁵ first (exact) and take 25 off the exponent.
        let isSubnormal = x .< splat(Float.leastNormalMagnitude)
        let normal = x.blending(x * splat(33_554_432), where: isSubnormal)
        let xBits = bits(normal)
        // x = m · 2^e with m in [0.5, 1): the exponent field read as a float by the 2²³ trick.
        let exponentField = float((xBits &>> 23) & 0xff | 0x4b00_0000) - splat(8_388_608)
        var e = exponentField - Vector(repeating: 126).blending(151, where: isSubnormal)
        var m = float(xBits & 0x007f_ffff | 0x3f00_0000)
        // Keep m in [√½, √2) so that log(m) is small: m − 1 in [−0.29, 0.41).
        let small = m .< splat(0.707_106_781_186_547_524)
        e = e.blending(e - 1, where: small)
        m = m.blending(m + m, where: small) - 1
        let z = m * m
        var p = splat(7.037_683_629_2e-2)
        p = splat(-1.151_461_031_0e-1).addingProduct(p, m)
        p = splat(1.167_699_874_0e-1).addingProduct(p, m)
        p = splat(-1.242_014_084_6e-1).addingProduct(p, m)
        p = splat(1.424_932_278_7e-1).addingProduct(p, m)
        p = splat(-1.666_805_766_5e-1).addingProduct(p, m)
        p = splat(2.000_071_476_5e-1).addingProduct(p, m)
        p = splat(-2.499_999_399_3e-1).addingProduct(p, m)
        p = splat(3.333_333_117_4e-1).addingProduct(p, m)
        var y = p * m * z
        y = y.addingProduct(e, splat(-2.121_944_4e-4))
        y = y.addingProduct(z, splat(-0.5))
        let result = (m + y).addingProduct(e, splat(0.693_359_375))
        return result
            .blending(-.infinity, where: x .== 0)
            .blending(.nan, where: x .< 0)
            .blending(x, where: x .== splat(.infinity) .| x .!= x)
    }

    /// tanh x: an odd polynomial near 0 (no cancellation), 1 − 2 / (e^{2|x|} + 1) elsewhere.
    @inline(__always)
    static func hyperbolicTangent(_ x: Vector) -> Vector {
        let signBit = Bits(repeating: Int32.min)
        let magnitude = float(bits(x) & ~signBit)
        let far = 1 - 2 / (exponential(magnitude + magnitude) + 1)
        let s = x * x
        var p = splat(-5.704_988_727_45e-3)
        p = splat(2.063_908_879_54e-2).addingProduct(p, s)
        p = splat(-5.373_971_555_31e-2).addingProduct(p, s)
        p = splat(1.333_144_220_36e-1).addingProduct(p, s)
        p = splat(-3.333_328_194_22e-1).addingProduct(p, s)
        let near = x.addingProduct(p * s, x)
        let signedFar = float(bits(far) | bits(x) & signBit)
        return near.blending(signedFar, where: magnitude .> splat(0.625))
    }

    /// sin x, or cos x when `cosine`: x reduced by the nearest multiple q of π/2 (π/2 in three
    /// parts, Cephes sinf/cosf), then sin or cos of the remainder on [−π/4, π/4] by polynomials,
    /// chosen and signed by the quadrant. Accurate to 2 ulp for |x| up to about 2¹⁵ (the first
    /// part of π/2 times q stays exact); ±∞ and NaN give NaN.
    @inline(__always)
    static func sineOrCosine(_ x: Vector, cosine: Bool) -> Vector {
        let signBit = Bits(repeating: Int32.min)
        let magnitude = float(bits(x) & ~signBit)
        // q = round(|x| · 2/π) by the 1.5 · 2²³ trick: the sum's low mantissa bits hold q.
        let magic = splat(12_582_912)
        let shifted = magic.addingProduct(magnitude, splat(0.636_619_772))
        let q = shifted - magic
        let quadrant = bits(shifted) &- bits(magic)
        let r = magnitude.addingProduct(q, splat(-1.570_312_5)).addingProduct(q, splat(-4.837_512_969_970_703_125e-4))
            .addingProduct(q, splat(-7.549_789_954_891_882_16e-8))
        let z = r * r
        var s = splat(-1.951_529_589_1e-4)
        s = splat(8.332_160_873_6e-3).addingProduct(s, z)
        s = splat(-1.666_665_461_1e-1).addingProduct(s, z)
        let sinR = r.addingProduct(s * z, r)
        var c = splat(2.443_315_711_809_948e-5)
        c = splat(-1.388_731_625_493_765e-3).addingProduct(c, z)
        c = splat(4.166_664_568_298_827e-2).addingProduct(c, z)
        let cosR = (1 - splat(0.5) * z).addingProduct(c * z, z)
        // sin(r + kπ/2) is sin r, cos r, −sin r, −cos r for k = 0, 1, 2, 3; cos is sin one quadrant on.
        let k = cosine ? quadrant &+ 1 : quadrant
        let result = sinR.blending(cosR, where: k & 1 .== 1)
        var flip = (k & 2) &<< 30
        if !cosine { flip ^= bits(x) & signBit }
        return float(bits(result) ^ flip)
    }

    /// erfc x = 1 − erf x, to about 2e-7 relative: Numerical Recipes' erfcc for |x| (t = 1/(1 + |x|/2),
    /// t e^(−x² + P(t)), relative error 1.2e-7 in exact arithmetic), with e^(−x²) taken as
    /// e^(−h) e^(−l) for h + l = x² exactly, so that large |x| keep their relative accuracy;
    /// 2 − erfc |x| below 0.
    @inline(__always)
    static func complementaryErrorFunction(_ x: Vector) -> Vector {
        let z = float(bits(x) & ~Bits(repeating: Int32.min))
        let t = 1 / (1 + splat(0.5) * z)
        var p = splat(0.170_872_77)
        p = splat(-0.822_152_23).addingProduct(p, t)
        p = splat(1.488_515_87).addingProduct(p, t)
        p = splat(-1.135_203_98).addingProduct(p, t)
        p = splat(0.278_868_07).addingProduct(p, t)
        p = splat(-0.186_288_06).addingProduct(p, t)
        p = splat(0.096_784_18).addingProduct(p, t)
        p = splat(0.374_091_96).addingProduct(p, t)
        p = splat(1.000_023_68).addingProduct(p, t)
        let square = z * z
        let squareError = (-square).addingProduct(z, z)
        let tail = t * exponential(-square) * exponential(splat(-1.265_512_23).addingProduct(t, p) - squareError)
        return tail.blending(2 - tail, where: x .< 0)
    }
}

extension SIMD16 where Scalar == Float {
    /// This vector with `other` in the lanes where `mask` is set, as a bitwise blend of the two
    /// (`self ^ ((other ^ self) & mask)`). The standard library's `replacing(with:where:)` is a
    /// loop over lanes that the compiler must re-vectorise: it did in small functions, but in the
    /// element-wise kernels' large switch it computed 512-bit formulas in 128-bit quarters.
    @_transparent
    func blending(_ other: Self, where mask: SIMDMask<SIMD16<Int32>>) -> Self {
        let (mine, theirs) = (unsafeBitCast(self, to: SIMD16<UInt32>.self), unsafeBitCast(other, to: SIMD16<UInt32>.self))
        return unsafeBitCast(mine ^ ((theirs ^ mine) & unsafeBitCast(mask, to: SIMD16<UInt32>.self)), to: Self.self)
    }

    /// This vector with `value` in the lanes where `mask` is set (``blending(_:where:)``).
    @_transparent
    func blending(_ value: Float, where mask: SIMDMask<SIMD16<Int32>>) -> Self { blending(Self(repeating: value), where: mask) }
}
