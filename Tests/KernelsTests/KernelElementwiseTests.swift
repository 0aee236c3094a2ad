import Foundation
import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// `count` seeded values in `range`.
func seededValues<Scalar: VectorKernelScalar>(_ count: Int, in range: Range<Scalar>, seed: UInt64) -> [Scalar] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Scalar.random(in: range, using: &generator) }
}

/// A unary kernel applied by `kernel` to `input`.
func applying<Scalar: VectorKernelScalar>(
    _ kernel: (UnaryKernel<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void,
    _ operation: UnaryKernel<Scalar>, to input: [Scalar]
) -> [Scalar] {
    var output = [Scalar](repeating: .nan, count: input.count)
    input.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in kernel(operation, x.baseAddress!, y.baseAddress!, input.count) }
    }
    return output
}

/// The largest error of Float `results` against `exact` in ulps of the correctly rounded value;
/// special values (infinite or NaN references) must match exactly.
func maxUlpError(_ inputs: [Float], _ results: [Float], _ exact: (Double) -> Double) -> Double {
    zip(inputs, results).map { x, y in
        let reference = exact(Double(x)), rounded = Float(reference)
        guard rounded.isFinite else { return rounded == y || (rounded.isNaN && y.isNaN) ? 0 : .infinity }
        return abs(Double(y) - reference) / Double(rounded.ulp)
    }.max() ?? 0
}

@Suite("Element-wise kernels against the reference, at every instruction-set level")
struct KernelElementwiseTests {
    /// Operations that are exact (one IEEE operation per element) or piecewise: fast = reference, bit for bit.
    static let exactOperations: [UnaryKernel<Float>] = [.negate, .relu, .scale(0.3), .leakyRelu(slope: 0.01),
                                                         .leakyReluDerivative(slope: 0.2)]

    @Test("ElementCopy copies exactly `count` elements on 1 and 2 threads, whatever the path",
          arguments: [0, 1, 64, 65, KernelThreads.elementwiseParallelCount, KernelThreads.elementwiseParallelCount + 7])
    func elementCopy(_ count: Int) {
        let source = (0..<count).map { Float($0) + 0.5 }
        for threads in [1, 2] {
            var target = [Float](repeating: -1, count: count + 3)
            withThreadCount(threads) {
                source.withUnsafeBufferPointer { from in
                    target.withUnsafeMutableBufferPointer { ElementCopy.copy(count, from: from.baseAddress!, to: $0.baseAddress!) }
                }
            }
            #expect(Array(target.prefix(count)) == source)
            #expect(target.suffix(3) == [-1, -1, -1])
        }
    }

    @Test("exact unary operations equal the reference bit for bit (signed zeros too) for every length",
          arguments: runnableLevels, [1, 7, 16, 17, 33, 100])
    func exactUnary(_ level: KernelLevel, _ count: Int) {
        var input: [Float] = seededValues(count, in: -2..<2, seed: UInt64(count))
        input[0] = 0
        input[count / 2] = -0.0
        for operation in Self.exactOperations {
            let fast = applying(level.table(Float.self).unary, operation, to: input)
            let reference = applying(ReferenceKernels.unary, operation, to: input)
            #expect(fast.map(\.bitPattern) == reference.map(\.bitPattern), "\(operation)")
        }
    }

    @Test("binary operations equal the reference, Float and Double", arguments: runnableLevels, [1, 9, 16, 40])
    func binary(_ level: KernelLevel, _ count: Int) {
        func check<Scalar: VectorKernelScalar>(_: Scalar.Type) {
            let a: [Scalar] = seededValues(count, in: -3..<3, seed: 1), b: [Scalar] = seededValues(count, in: 0.5..<3, seed: 2)
            let operations: [BinaryKernel<Scalar>] = [.add, .subtract, .multiply, .divide, .addScaled(-0.3), .addRelu, .reluBackward,
                                                       .sigmoidBackward, .tanhBackward]
            for operation in operations {
                func run(_ kernel: (BinaryKernel<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void) -> [Scalar] {
                    var y = [Scalar](repeating: .nan, count: count)
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            y.withUnsafeMutableBufferPointer { kernel(operation, a.baseAddress!, b.baseAddress!, $0.baseAddress!, count) }
                        }
                    }
                    return y
                }
                #expect(run(level.table(Scalar.self).binary) == run(ReferenceKernels.binary), "\(operation)")
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test("Float exp, log, sigmoid, tanh stay within their documented ulp bounds", arguments: runnableLevels)
    func floatAccuracy(_ level: KernelLevel) {
        func sweep(_ low: Float, _ high: Float) -> [Float] {
            (0..<4_099).map { low + (high - low) * Float($0) / 4_098 }
        }
        let tiny = (0..<2_000).map { Float(Foundation.exp(Double($0) / 1_999 * 190 - 103)) }
        let sigmoid: (Double) -> Double = { 1 / (1 + Foundation.exp(-$0)) }
        let checks: [(UnaryKernel<Float>, [Float], (Double) -> Double, Double)] = [
            (.exp, sweep(-103.9, 88.7), Foundation.exp, 1.5),
            (.log, tiny + sweep(0.5, 2), Foundation.log, 1),
            (.sigmoid, sweep(-30, 30), sigmoid, 3.5),
            (.tanh, sweep(-10, 10) + sweep(-0.01, 0.01), Foundation.tanh, 1.5),
        ]
        for (operation, inputs, exact, bound) in checks {
            let error = maxUlpError(inputs, applying(level.table(Float.self).unary, operation, to: inputs), exact)
            #expect(error <= bound, "\(operation): \(error) ulp")
        }
    }

    @Test("Float special values: infinities, NaN, zeros, overflow and subnormal results", arguments: runnableLevels)
    func floatSpecialValues(_ level: KernelLevel) {
        let inputs: [Float] = [.infinity, -.infinity, .nan, 0, -0.0, 89, 88.7, -88, -103, -104, 1e-30, -1e-30,
                               .leastNonzeroMagnitude, .leastNormalMagnitude / 1_000, -1, 100, -100]
        let references: [(UnaryKernel<Float>, (Double) -> Double)] = [
            (.exp, Foundation.exp), (.log, Foundation.log), (.tanh, Foundation.tanh),
            (.sigmoid, { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }),
        ]
        for (operation, exact) in references {
            let results = applying(level.table(Float.self).unary, operation, to: inputs)
            for (x, y) in zip(inputs, results) {
                let expected = exact(Double(x))
                if expected.isNaN {
                    #expect(y.isNaN, "\(operation)(\(x)) = \(y), expected NaN")
                } else {
                    let rounded = Float(expected)
                    let close = rounded.isFinite ? abs(Double(y) - expected) <= 2 * Double(rounded.ulp) : y == rounded
                    #expect(close, "\(operation)(\(x)) = \(y), expected \(expected)")
                }
            }
        }
    }

    @Test("Double transcendental kernels equal the C library; sigmoid within 2 ulp", arguments: runnableLevels)
    func doublePrecision(_ level: KernelLevel) {
        let unary = level.table(Double.self).unary
        let input: [Double] = seededValues(37, in: -20..<20, seed: 3)
        let positive = input.map { abs($0) + 1e-3 }
        #expect(applying(unary, .exp, to: input) == input.map { Foundation.exp($0) })
        #expect(applying(unary, .log, to: positive) == positive.map { Foundation.log($0) })
        #expect(applying(unary, .tanh, to: input) == input.map { Foundation.tanh($0) })
        let sigmoid = applying(unary, .sigmoid, to: input)
        let reference = applying(ReferenceKernels.unary, .sigmoid, to: input)
        #expect(zip(sigmoid, reference).allSatisfy { abs($0 - $1) <= 2 * $1.ulp })
    }

    @Test("an element's result does not depend on where it sits: in a whole vector, after the last one, alone",
          arguments: runnableLevels)
    func positionIndependence(_ level: KernelLevel) {
        let (unaryKernel, binaryKernel) = (level.table(Float.self).unary, level.table(Float.self).binary)
        let count = 2 * Float.Vector.scalarCount + 5
        let x: [Float] = seededValues(count, in: -4..<4, seed: 11), g: [Float] = seededValues(count, in: -2..<2, seed: 12)
        let positive = x.map { abs($0) + 0.01 }
        let unary: [(UnaryKernel<Float>, [Float])] = [(.exp, x), (.log, positive), (.sigmoid, x), (.tanh, x), (.negate, x),
                                                      (.relu, x), (.scale(0.3), x), (.leakyRelu(slope: 0.1), x),
                                                      (.leakyReluDerivative(slope: 0.1), x)]
        for (operation, input) in unary {
            let whole = applying(unaryKernel, operation, to: input)
            // Shifted by 3, every element moves between a vector's body and the elements after it.
            let shifted = applying(unaryKernel, operation, to: Array(input[3...]))
            let alone = input.map { applying(unaryKernel, operation, to: [$0])[0] }
            #expect(whole == alone && Array(whole[3...]) == shifted, "\(operation)")
        }
        let binary: [BinaryKernel<Float>] = [.add, .subtract, .multiply, .divide, .addScaled(-0.7), .addRelu, .reluBackward,
                                             .sigmoidBackward, .tanhBackward]
        for operation in binary {
            func run(_ a: [Float], _ b: [Float]) -> [Float] {
                var y = [Float](repeating: .nan, count: a.count)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        y.withUnsafeMutableBufferPointer {
                            binaryKernel(operation, a.baseAddress!, b.baseAddress!, $0.baseAddress!, a.count)
                        }
                    }
                }
                return y
            }
            let whole = run(g, positive)
            let alone = zip(g, positive).map { run([$0], [$1])[0] }
            #expect(whole == alone && Array(whole[3...]) == run(Array(g[3...]), Array(positive[3...])), "\(operation)")
        }
    }

    @Test("every level gives the baseline's bits: the same formulas on vectors of the same width",
          arguments: runnableLevels)
    func sameBitsAtEveryLevel(_ level: KernelLevel) {
        let x: [Float] = seededValues(2 * Float.Vector.scalarCount + 5, in: -20..<20, seed: 21)
        let positive = x.map { abs($0) + 1e-3 }
        let unary: [(UnaryKernel<Float>, [Float])] = [(.exp, x), (.log, positive), (.sigmoid, x), (.tanh, x),
                                                      (.leakyRelu(slope: 0.1), x)]
        for (operation, input) in unary {
            let here = applying(level.table(Float.self).unary, operation, to: input)
            let baseline = applying(KernelLevel.baseline.table(Float.self).unary, operation, to: input)
            #expect(here.map(\.bitPattern) == baseline.map(\.bitPattern), "\(operation)")
        }
    }

    @Test("large arrays split over threads give the same elements as one thread", arguments: runnableLevels)
    func parallelChunks(_ level: KernelLevel) {
        let count = KernelThreads.elementwiseParallelCount + 21
        let input: [Float] = seededValues(count, in: -5..<5, seed: 4)
        let one = withThreadCount(1) { applying(level.table(Float.self).unary, .tanh, to: input) }
        let two = withThreadCount(2) { applying(level.table(Float.self).unary, .tanh, to: input) }
        #expect(one == two)
        #expect(maxUlpError(input, two, Foundation.tanh) <= 1.5)
    }
}
