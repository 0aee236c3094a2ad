import Foundation
import Testing
@testable import Autograd

@Suite("Tensor basics: creation, randomness, elements, copy-on-write, printing, conversion")
struct TensorTests {
    @Test("creation from scalars and shape, zeros, ones, filled, identity")
    func creation() {
        let t = Tensor<Double>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(t.shape == [2, 3] && t.rank == 2 && t.elementCount == 6)
        #expect(t.scalars == [1, 2, 3, 4, 5, 6])
        #expect(t[0, 0] == 1 && t[0, 2] == 3 && t[1, 0] == 4 && t[1, 2] == 6)
        #expect(Tensor<Double>([7, 8]).shape == [2])
        #expect(Tensor<Double>(2.5).shape == [] && Tensor<Double>(2.5).scalar == 2.5)
        #expect(Tensor<Float>.zeros([3, 2]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor<Float>.ones([2, 2, 2]).scalars == [Float](repeating: 1, count: 8))
        #expect(Tensor<Double>(repeating: -0.5, shape: [4]).scalars == [-0.5, -0.5, -0.5, -0.5])
        #expect(Tensor<Double>.zeros([0, 3]).elementCount == 0)
        let identity = Tensor<Double>.identity(3)
        for i in 0..<3 {
            for j in 0..<3 { #expect(identity[i, j] == (i == j ? 1 : 0)) }
        }
    }

    @Test("seeded normal and uniform tensors: same seed same values, sample moments as asked")
    func seededRandomTensors() {
        func normal(_ seed: UInt64) -> Tensor<Double> {
            var generator = SeededGenerator(seed: seed)
            return Tensor(randomNormal: [20_000], mean: 2, standardDeviation: 3, using: &generator)
        }
        func uniform(_ seed: UInt64) -> Tensor<Double> {
            var generator = SeededGenerator(seed: seed)
            return Tensor(randomUniform: [20_000], in: 2..<5, using: &generator)
        }
        func moments(_ t: Tensor<Double>) -> (mean: Double, deviation: Double) {
            let mean = t.scalars.reduce(0, +) / Double(t.elementCount)
            let variance = t.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(t.elementCount - 1)
            return (mean, variance.squareRoot())
        }
        #expect(normal(7) == normal(7) && uniform(7) == uniform(7))
        #expect(normal(7) != normal(8) && uniform(7) != uniform(8))

        // Four standard errors: 3/√20000 ≈ 0.021 for the normal mean, 0.866/√20000 ≈ 0.006 for the uniform.
        let n = moments(normal(7))
        #expect(abs(n.mean - 2) < 0.085 && abs(n.deviation - 3) < 0.06, "N(2, 9) sample: \(n)")
        let u = moments(uniform(7))
        #expect(abs(u.mean - 3.5) < 0.025 && abs(u.deviation - 3 / 12.0.squareRoot()) < 0.02, "U[2, 5) sample: \(u)")
        #expect(uniform(7).scalars.allSatisfy { (2..<5).contains($0) })
    }

    @Test("a generator restored from its saved state continues the same sequence")
    func generatorState() {
        var generator = SeededGenerator(seed: 42)
        _ = (0..<5).map { _ in generator.next() }
        var restored = SeededGenerator(state: generator.stateWords)!
        #expect((0..<10).map { _ in generator.next() } == (0..<10).map { _ in restored.next() })
        #expect(SeededGenerator(state: [0, 0, 0, 0]) == nil)
    }

    @Test("writing an element of a copy leaves the original unchanged (copy-on-write)")
    func copyOnWrite() {
        let original = Tensor<Double>([1, 2, 3, 4], shape: [2, 2])
        var copy = original
        #expect(copy.storage === original.storage, "a copy shares its storage until written")
        copy[0, 1] = 20
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [1, 20, 3, 4])
        #expect(copy.storage !== original.storage)

        let storage = ObjectIdentifier(copy.storage)
        copy[1, 1] = 40
        #expect(ObjectIdentifier(copy.storage) == storage, "a uniquely referenced storage is written in place")
        #expect(copy[1, 1] == 40)
    }

    @Test("elements start on a cache line, those of large tensors on a page; copies keep the alignment")
    func storageAlignment() {
        func address<T: TensorScalar>(_ tensor: Tensor<T>) -> Int { tensor.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } }
        for count in [0, 1, 3, 16, 17, 1000, 16_383] {
            #expect(address(Tensor<Float>.zeros([count])) % 64 == 0, "\(count) Floats")
            #expect(address(Tensor<Double>.zeros([count])) % 64 == 0, "\(count) Doubles")
        }
        for count in [16_384, 100_000] {
            #expect(address(Tensor<Float>.zeros([count])) % 4_096 == 0, "\(count) Floats")
        }
        var copy = Tensor<Float>.zeros([5])
        let original = copy
        copy[2] = 1
        #expect(address(copy) % 64 == 0 && copy.storage !== original.storage)
    }

    @Test("small tensors print as NumPy prints arrays")
    func printing() {
        #expect(Tensor<Double>([1, 2, 3, 4, 5, 6], shape: [2, 3]).description == "[[1., 2., 3.],\n [4., 5., 6.]]")
        #expect(Tensor<Double>([0.5, -1.25, 3, 10, 0.125, -7.5], shape: [2, 3]).description
                == "[[ 0.5000, -1.2500,  3.0000],\n [10.0000,  0.1250, -7.5000]]")
        #expect(Tensor<Double>([1.5, -2, 0.25]).description == "[ 1.5000, -2.0000,  0.2500]")
        #expect(Tensor<Double>((0..<8).map(Double.init), shape: [2, 2, 2]).description
                == "[[[0., 1.],\n  [2., 3.]],\n\n [[4., 5.],\n  [6., 7.]]]")
        #expect(Tensor<Double>([1e-5, 2.5]).description == "[1.0000e-05, 2.5000e+00]")
        #expect(Tensor<Double>(3.5).description == "3.5000")
        #expect(Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3]).debugDescription
                == "Tensor<Float>(shape: [2, 3], [[1., 2., 3.],\n [4., 5., 6.]])")
    }

    @Test("a tensor of more than 1000 elements prints the first and last three entries of each axis")
    func summarisedPrinting() {
        let large = Tensor<Double>((0..<1200).map(Double.init), shape: [40, 30])
        #expect(large.description == """
            [[   0.,    1.,    2., ...,   27.,   28.,   29.],
             [  30.,   31.,   32., ...,   57.,   58.,   59.],
             [  60.,   61.,   62., ...,   87.,   88.,   89.],
             ...,
             [1110., 1111., 1112., ..., 1137., 1138., 1139.],
             [1140., 1141., 1142., ..., 1167., 1168., 1169.],
             [1170., 1171., 1172., ..., 1197., 1198., 1199.]]
            """)
    }

    @Test("conversion between Float and Double")
    func conversion() {
        let doubles = Tensor<Double>([0.1, -2.5, 1e-3, 3.0e5], shape: [2, 2])
        let floats = Tensor<Float>(doubles)
        #expect(floats.shape == [2, 2])
        #expect(floats.scalars == doubles.scalars.map { Float($0) })
        #expect(Tensor<Float>(Tensor<Double>(floats)) == floats, "Float → Double → Float is exact")
    }

    @Test("approximate equality: |a − b| ≤ atol + rtol·|b|, same shape, NaN never equal")
    func approximateEquality() {
        let t = Tensor<Double>([1, 1000])
        #expect(t.isApproximatelyEqual(to: Tensor([1 + 5e-7, 1000])))
        #expect(!t.isApproximatelyEqual(to: Tensor([1 + 2e-5, 1000])), "beyond 1e-6 + 1e-5 · 1")
        #expect(t.isApproximatelyEqual(to: Tensor([1, 1000.005])), "within the relative tolerance 1e-5")
        #expect(!t.isApproximatelyEqual(to: Tensor([1, 1000.02])))
        #expect(t.isApproximatelyEqual(to: Tensor([1.05, 1000]), absoluteTolerance: 0.1))
        #expect(!t.isApproximatelyEqual(to: Tensor([1, 1000], shape: [1, 2])), "shapes must match")
        #expect(!Tensor<Double>([.nan]).isApproximatelyEqual(to: Tensor([.nan])))
        #expect(Tensor<Double>([1, -2]).isFinite && !Tensor<Double>([1, .infinity]).isFinite)
    }
}
