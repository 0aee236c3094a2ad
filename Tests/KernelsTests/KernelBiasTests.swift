import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

@Suite("Bias and ReLU-gradient kernels against the reference at every instruction-set level: bit-identical")
struct KernelBiasTests {
    @Test("addBias equals the reference loop, with and without ReLU, on 1 and 2 threads",
          arguments: runnableLevels, [(1, 1), (3, 7), (2, 16), (5, 17), (4, 33), (700, 100)])
    func addBias(_ level: KernelLevel, _ shape: (rows: Int, columns: Int)) {
        let (rows, columns) = shape
        let x: [Float] = seededValues(rows * columns, in: -2..<2, seed: 3)
        let bias: [Float] = seededValues(columns, in: -1..<1, seed: 4)
        func run(_ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Bool) -> Void,
                 rectify: Bool) -> [Float] {
            var y = [Float](repeating: .nan, count: x.count)
            x.withUnsafeBufferPointer { x in
                bias.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { kernel(x.baseAddress!, b.baseAddress!, $0.baseAddress!, rows, columns, rectify) }
                }
            }
            return y
        }
        for rectify in [false, true] {
            let reference = run(ReferenceKernels.addBias, rectify: rectify)
            #expect(reference.contains(0) == rectify)
            for threads in [1, 2] {
                #expect(withThreadCount(threads) { run(level.table(Float.self).addBias, rectify: rectify) } == reference, "rectify \(rectify)")
            }
        }
    }

    @Test("reluBackward passes the cotangent where the input is above zero, zero elsewhere (0 and NaN included)",
          arguments: runnableLevels, [1, 9, 16, 40])
    func reluBackward(_ level: KernelLevel, _ count: Int) {
        let cotangent: [Float] = seededValues(count, in: -3..<3, seed: 5)
        var input: [Float] = seededValues(count, in: -1..<1, seed: 6)
        input[0] = 0
        if count > 2 { input[1] = .nan }
        func run(_ kernel: (BinaryKernel<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
            var y = [Float](repeating: .nan, count: count)
            cotangent.withUnsafeBufferPointer { g in
                input.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { kernel(.reluBackward, g.baseAddress!, x.baseAddress!, $0.baseAddress!, count) }
                }
            }
            return y
        }
        let fast = run(level.table(Float.self).binary)
        #expect(fast == run(ReferenceKernels.binary))
        #expect(fast == zip(cotangent, input).map { g, x in x > 0 ? g : 0 })
    }
}
