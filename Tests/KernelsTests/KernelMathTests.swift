import Foundation
import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// The binary kernel `operation` of `kernel` on `a` and `b`.
func combining<Scalar: VectorKernelScalar>(
    _ kernel: (BinaryKernel<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void,
    _ operation: BinaryKernel<Scalar>, _ a: [Scalar], _ b: [Scalar]
) -> [Scalar] {
    var y = [Scalar](repeating: .nan, count: a.count)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            y.withUnsafeMutableBufferPointer { kernel(operation, a.baseAddress!, b.baseAddress!, $0.baseAddress!, a.count) }
        }
    }
    return y
}

/// Whether two arrays hold the same values element by element: signed zeros alike, NaN matching NaN.
func identical<Scalar: BinaryFloatingPoint>(_ a: [Scalar], _ b: [Scalar]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { ($0 == $1 && $0.sign == $1.sign) || ($0.isNaN && $1.isNaN) }
}

/// The first element where `results` and `references` differ by more than `absolute` +
/// `relative` · |reference| (NaN must meet NaN, an infinity the same infinity), described; nil
/// when they agree everywhere.
func disagreement<Scalar: BinaryFloatingPoint>(
    _ results: [Scalar], _ references: [Scalar], inputs: [Scalar], absolute: Scalar, relative: Scalar
) -> String? {
    for (index, (y, r)) in zip(results, references).enumerated() {
        let agrees = r.isNaN ? y.isNaN : (r.isInfinite ? y == r : Swift.abs(y - r) <= absolute + relative * Swift.abs(r))
        if !agrees { return "at x = \(inputs[index]): \(y), reference \(r)" }
    }
    return nil
}

@Suite("The element-wise math of the tensor API against the reference, at every level")
struct KernelMathTests {
    /// Unary kernels that are one IEEE operation or a choice per element: equal to the reference bit for bit.
    static let exactUnary: [UnaryKernel<Float>] = [.squareRoot, .reciprocalSquareRoot, .absolute, .sign, .square,
                                                   .clamp(lower: -0.5, upper: 1.25), .clampDerivative(lower: -0.5, upper: 1.25)]
    /// The others, with the largest error allowed (absolute + relative · |reference|) in Float.
    static let approximateUnary: [(UnaryKernel<Float>, absolute: Float, relative: Float)] = [
        (.sine, 2e-7, 2e-7), (.cosine, 2e-7, 2e-7), (.power(3), 0, 1e-6), (.power(-1.5), 0, 1e-6), (.power(0.5), 0, 1e-6),
        (.softplus, 0, 4e-7), (.silu, 1e-7, 4e-7), (.siluDerivative, 2e-7, 5e-7), (.geluTanh, 1e-7, 5e-7),
        (.geluTanhDerivative, 2e-7, 1e-6), (.geluErf, 1e-7, 5e-7), (.geluErfDerivative, 3e-7, 1e-6),
    ]

    @Test("exact unary kernels equal the reference bit for bit, zeros, NaN and infinities included",
          arguments: runnableLevels, [1, 17, 40])
    func exactUnary(_ level: KernelLevel, _ count: Int) {
        var input: [Float] = seededValues(count, in: -3..<3, seed: UInt64(count))
        input += [0, -0.0, .infinity, -.infinity, .nan, 1.25, -0.5]
        for operation in Self.exactUnary {
            let fast = applying(level.table(Float.self).unary, operation, to: input)
            let reference = applying(ReferenceKernels.unary, operation, to: input)
            #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(operation)")
        }
    }

    @Test("sin, cos, powers, softplus, SiLU and GELU in Float stay close to the C library",
          arguments: runnableLevels)
    func approximateUnary(_ level: KernelLevel) {
        let wide = (0..<4_001).map { Float(-40 + 80 * Double($0) / 4_000) }
        let positive = wide.map { abs($0) + 1e-3 }
        for (operation, absolute, relative) in Self.approximateUnary {
            let input: [Float] = if case .power(let p) = operation, p.rounded() != p { positive } else { wide }
            let fast = applying(level.table(Float.self).unary, operation, to: input)
            let reference = applying(ReferenceKernels.unary, Self.double(operation), to: input.map(Double.init)).map(Float.init)
            let problem = disagreement(fast, reference, inputs: input, absolute: absolute, relative: relative)
            #expect(problem == nil, "\(operation): \(problem ?? "")")
        }
    }

    @Test("special values: x⁰ = 1, negative bases, overflowing softplus and GELU, GELU's small tail, NaN", arguments: runnableLevels)
    func specialValues(_ level: KernelLevel) {
        let unary = level.table(Float.self).unary
        #expect(applying(unary, .power(0), to: [0, .nan, -.infinity, 2]) == [1, 1, 1, 1])
        #expect(applying(unary, .power(3), to: [-2, 0, 2]) == [-8, 0, 8])
        #expect(applying(unary, .power(2), to: [-3]) == [9])
        #expect(applying(unary, .power(0.5), to: [-4])[0].isNaN)
        #expect(applying(unary, .softplus, to: [100, -100, .infinity]) == [100, Float(Foundation.exp(-100.0)), .infinity])
        #expect(applying(unary, .geluTanh, to: [-100, 100]) == [-0.0, 100])
        #expect(applying(unary, .geluErf, to: [-40, 10]) == [-0.0, 10])
        // −10 Φ(−10) = −7.6199e-23: the small tail keeps its digits.
        #expect(Swift.abs(applying(unary, .geluErf, to: [-10])[0] / -7.619_853_024_160_593e-23 - 1) < 1e-5)
        #expect(applying(unary, .sine, to: [.nan, .infinity]).allSatisfy { $0.isNaN })
    }

    @Test("Double unary kernels agree with the reference to rounding", arguments: runnableLevels)
    func doubleUnary(_ level: KernelLevel) {
        let input: [Double] = seededValues(41, in: -6..<6, seed: 5)
        for (operation, _, _) in Self.approximateUnary {
            let converted = Self.double(operation)
            let values = if case .power(let p) = converted, p.rounded() != p { input.map { abs($0) + 1e-3 } } else { input }
            let fast = applying(level.table(Double.self).unary, converted, to: values)
            let reference = applying(ReferenceKernels.unary, converted, to: values)
            // The references' textbook forms cancel where the kernels' do not (1 + tanh u for
            // negative x): absolute 1e-14.
            let problem = disagreement(fast, reference, inputs: values, absolute: 1e-14, relative: 1e-13)
            #expect(problem == nil, "\(converted): \(problem ?? "")")
        }
    }

    /// The Double kernel of a Float one of ``approximateUnary``.
    static func double(_ operation: UnaryKernel<Float>) -> UnaryKernel<Double> {
        switch operation {
        case .power(let p): .power(Double(p))
        case .sine: .sine
        case .cosine: .cosine
        case .softplus: .softplus
        case .silu: .silu
        case .siluDerivative: .siluDerivative
        case .geluTanh: .geluTanh
        case .geluTanhDerivative: .geluTanhDerivative
        case .geluErf: .geluErf
        case .geluErfDerivative: .geluErfDerivative
        default: preconditionFailure("\(operation) is not one of approximateUnary")
        }
    }

    @Test("minimum, maximum and comparisons equal the reference bit for bit; NaN propagates or compares false",
          arguments: runnableLevels, [3, 16, 35])
    func exactBinary(_ level: KernelLevel, _ count: Int) {
        func check<Scalar: VectorKernelScalar>(_: Scalar.Type) {
            var a: [Scalar] = seededValues(count, in: -2..<2, seed: 7), b: [Scalar] = seededValues(count, in: -2..<2, seed: 8)
            a += [1, .nan, 3, .infinity, -0.0]
            b += [1, 2, .nan, .infinity, 0]
            let operations: [BinaryKernel<Scalar>] = [.minimum, .maximum] + Comparison.allCases.map { .compare($0) }
            for operation in operations {
                let fast = combining(level.table(Scalar.self).binary, operation, a, b)
                let reference = combining(ReferenceKernels.binary, operation, a, b)
                #expect(identical(fast, reference), "\(Scalar.self) \(operation)")
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("a tensor exponent: e^(b log a) within 1e-6 of pow in Float, NaN for negative bases, aᵇ = 1 for b = 0",
          arguments: runnableLevels)
    func binaryPower(_ level: KernelLevel) {
        let a: [Float] = seededValues(50, in: 0.01..<5, seed: 9) + [-2, 0, 0, 3]
        let b: [Float] = seededValues(50, in: -3..<3, seed: 10) + [2, 2, 0, 0]
        let fast = combining(level.table(Float.self).binary, .power, a, b)
        let reference = combining(ReferenceKernels.binary, .power, a.map(Double.init), b.map(Double.init)).map(Float.init)
        let problem = disagreement(fast, reference, inputs: a, absolute: 0, relative: 1e-6)
        #expect(problem == nil, "\(problem ?? "")")
        #expect(fast.suffix(4).map(\.isNaN) == [true, false, false, false] && Array(fast.suffix(3)) == [0, 1, 1])
    }

    @Test("select takes a where the mask is not zero, b elsewhere, and keeps the chosen bits", arguments: runnableLevels)
    func select(_ level: KernelLevel) {
        let count = KernelThreads.elementwiseParallelCount + 5
        let mask: [Float] = (0..<count).map { $0 % 3 == 0 ? 0 : ($0 % 3 == 1 ? 1 : .nan) }
        let a: [Float] = seededValues(count, in: -1..<1, seed: 11), b = a.map { -$0 - 10 }
        func run(_ kernel: KernelTable<Float>.Select) -> [Float] {
            var y = [Float](repeating: 0, count: count)
            mask.withUnsafeBufferPointer { m in a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in
                y.withUnsafeMutableBufferPointer { kernel(m.baseAddress!, a.baseAddress!, b.baseAddress!, $0.baseAddress!, count) }
            } } }
            return y
        }
        let one = withThreadCount(1) { run(level.table(Float.self).select) }
        #expect(one == withThreadCount(2) { run(level.table(Float.self).select) })
        #expect(one == run(ReferenceKernels.select))
    }

    @Test("softmax of a row masked whole is zeros (log-softmax −∞), and −∞ entries get probability 0",
          arguments: runnableLevels)
    func maskedSoftmax(_ level: KernelLevel) {
        let x: [Float] = [-.infinity, -.infinity, -.infinity, 0.5, -.infinity, 2]
        for logarithmic in [false, true] {
            var y = [Float](repeating: .nan, count: 6)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer {
                    level.table(Float.self).softmax(x.baseAddress!, $0.baseAddress!, AxisLayout([2, 3], axis: 1), logarithmic)
                }
            }
            let e = Float(Foundation.exp(-1.5))
            let probabilities: [Float] = [0, 0, 0, e / (1 + e), 0, 1 / (1 + e)]
            let expected = logarithmic ? probabilities.map { Foundation.log($0) } : probabilities
            #expect(disagreement(y, expected, inputs: x, absolute: 1e-6, relative: 1e-6) == nil, "\(logarithmic ? "log-softmax" : "softmax"): \(y)")
        }
    }
}
