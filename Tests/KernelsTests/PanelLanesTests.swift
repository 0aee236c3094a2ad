import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// The AVX-512 build's 32-lane panel (it compiles in every build, so every build tests it).
@Suite("FloatPanelPair: 32 lanes that behave as 32 Floats")
struct PanelLanesTests {
    static let lanes = FloatPanelPair.scalarCount

    /// Seeded values with zeros, a negative zero and a NaN among them.
    static func values(seed: UInt64) -> [Float] {
        var values: [Float] = seededValues(lanes, in: -3..<3, seed: seed)
        (values[3], values[17], values[30]) = (0, -0, .nan)
        return values
    }

    static func panel(_ values: [Float]) -> FloatPanelPair {
        values.withUnsafeBufferPointer { $0.baseAddress!.loadVector(as: FloatPanelPair.self) }
    }

    /// Every lane of `panel` equals `expected` bit for bit (NaN where `expected` is NaN).
    static func expectLanes(_ panel: FloatPanelPair, _ expected: [Float], _ what: String) {
        for lane in 0..<lanes {
            let (got, want) = (panel[lane], expected[lane])
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "\(what), lane \(lane): \(got) ≠ \(want)")
        }
    }

    @Test("lanes load in order; arithmetic, fused multiply-add and the ReLU choice act lane by lane")
    func arithmeticIsLaneWise() {
        let (x, y, z) = (Self.values(seed: 1), Self.values(seed: 2), Self.values(seed: 3))
        let (a, b, c) = (Self.panel(x), Self.panel(y), Self.panel(z))
        Self.expectLanes(a, x, "load")
        Self.expectLanes(c.addingProduct(a, b), (0..<Self.lanes).map { z[$0].addingProduct(x[$0], y[$0]) }, "fma")
        Self.expectLanes(a + b, zip(x, y).map(+), "+")
        Self.expectLanes(a - b, zip(x, y).map(-), "-")
        Self.expectLanes(a * b, zip(x, y).map(*), "*")
        Self.expectLanes(a / b, zip(x, y).map(/), "/")
        // The standard library's SIMD negation is 0 − x (so −(+0) is +0); each half does the same.
        Self.expectLanes(-a, x.map { 0 - $0 }, "negation")
        Self.expectLanes(.choosing(a, whereAboveZero: b, otherwise: c), (0..<Self.lanes).map { y[$0] > 0 ? x[$0] : z[$0] },
                         "choosing")
        Self.expectLanes(FloatPanelPair(repeating: 2.5), Array(repeating: 2.5, count: Self.lanes), "repeating")
        Self.expectLanes(.zero, Array(repeating: 0, count: Self.lanes), "zero")
    }

    @Test("exp, log and tanh of each lane equal the scalar functions")
    func functionsAreLaneWise() {
        let x = Self.values(seed: 4), positive = x.map { abs($0) + 0.01 }
        Self.expectLanes(.exp(Self.panel(x)), x.map(Float.exp), "exp")
        Self.expectLanes(.log(Self.panel(positive)), positive.map(Float.log), "log")
        Self.expectLanes(.tanh(Self.panel(x)), x.map(Float.tanh), "tanh")
    }

    @Test("partial loads pad above `count`; partial stores write exactly `count` elements", arguments: [0, 1, 15, 16, 17, 31])
    func partialLoadsAndStores(count: Int) {
        let x = Self.values(seed: 5)
        let loaded = x.withUnsafeBufferPointer { $0.baseAddress!.loadVector(count: count, padding: 7, as: FloatPanelPair.self) }
        Self.expectLanes(loaded, Array(x[..<count]) + Array(repeating: 7, count: Self.lanes - count), "load(count: \(count))")
        var stored = [Float](repeating: -1, count: Self.lanes)
        stored.withUnsafeMutableBufferPointer { $0.baseAddress!.storeVector(Self.panel(x), count: count) }
        #expect(stored.prefix(count).elementsEqual(x.prefix(count)) { $0.bitPattern == $1.bitPattern })
        #expect(stored.dropFirst(count).allSatisfy { $0 == -1 }, "store(count: \(count)) wrote past its count")
    }
}
