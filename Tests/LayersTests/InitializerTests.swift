import Autograd
import Layers
import Testing

@Suite("Initialisers")
struct InitializerTests {
    static let (fanIn, fanOut) = (200, 300)

    /// A [fanOut, fanIn] weight drawn with `initializer` from `seed`.
    static func draw(_ initializer: Initializer, seed: UInt64 = 1) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        let tensor: Tensor<Double> = initializer.makeTensor([fanOut, fanIn], fanIn: fanIn, fanOut: fanOut, using: &generator)
        return tensor.scalars
    }

    /// The mean and the second moment (the variance about zero).
    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(values.count)
        return (values.reduce(0, +) / n, values.reduce(0) { $0 + $1 * $1 } / n)
    }

    /// Checks mean 0 and `variance`, with tolerances five standard errors wide; `fourthMoment`
    /// is E[x⁴] of the distribution, which sets the spread of the sample variance.
    static func expectMoments(_ values: [Double], variance: Double, fourthMoment: Double) {
        let n = Double(values.count)
        let sample = moments(values)
        #expect(abs(sample.mean) < 5 * (variance / n).squareRoot(), "mean \(sample.mean)")
        #expect(abs(sample.variance - variance) < 5 * ((fourthMoment - variance * variance) / n).squareRoot(),
                "variance \(sample.variance), expected \(variance)")
    }

    @Test("Gaussian with a scale: scale · N(0, 1)")
    func gaussian() {
        let s2 = 0.5 * 0.5
        Self.expectMoments(Self.draw(.gaussian(scale: 0.5)), variance: s2, fourthMoment: 3 * s2 * s2)
    }

    @Test("Glorot uniform: U(−l, l), l = √(6 / (fan_in + fan_out))")
    func glorotUniform() {
        let limit = (6 / Double(Self.fanIn + Self.fanOut)).squareRoot()
        let values = Self.draw(.glorotUniform)
        #expect(values.allSatisfy { abs($0) <= limit })
        #expect(values.contains { abs($0) > 0.99 * limit }, "the whole interval must be used")
        let l2 = limit * limit
        Self.expectMoments(values, variance: l2 / 3, fourthMoment: l2 * l2 / 5)
    }

    @Test("He normal: N(0, 2 / fan_in)")
    func heNormal() {
        let v = 2 / Double(Self.fanIn)
        Self.expectMoments(Self.draw(.heNormal), variance: v, fourthMoment: 3 * v * v)
    }

    @Test("zeros")
    func zeros() {
        #expect(Self.draw(.zeros).allSatisfy { $0 == 0 })
    }

    @Test("the same seed gives the same weights, another seed others")
    func seeding() {
        func model(seed: UInt64) -> [Tensor<Float>] {
            var generator = SeededGenerator(seed: seed)
            return Sequential<Float>.multilayerPerceptron(widths: [4, 8, 3], biasInitializer: .gaussian(scale: 1),
                                                          using: &generator).parameters.map(\.value)
        }
        #expect(model(seed: 11) == model(seed: 11))
        for (a, b) in zip(model(seed: 11), model(seed: 12)) { #expect(a != b) }
    }
}
