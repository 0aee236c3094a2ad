import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// The `Float` error of Winograd's F(6×6, 3×3) on ResNet-like 3×3 layers (padding 1, C = K = 32
/// and 64 channels, images not a multiple of the 6-pixel tile), forward and both gradients,
/// against the reference loops in `Double` on the same inputs, at every instruction-set level.
///
/// The bound: each output sums 9·C products of values in [−1, 1), computed from 64 products of
/// transformed values whose transforms amplify rounding errors (the entries of Bᵀ reach 5.25,
/// those of Aᵀ 32), so the error relative to the largest output is about 10⁻⁵ where the direct
/// kernel's is about 10⁻⁶. `bench accuracy` (batch 8, 7 Dec 2026) measured at most 9.7·10⁻⁶ on
/// ResNet-20's three 3×3 stages (32×32×16, 16×16×32, 8×8×64, forward and both gradients, with
/// AVX2), against 4·10⁻⁷ to 1·10⁻⁶ for the direct kernel. The bound, 5·10⁻⁵, leaves room for
/// other inputs while failing on a wrong transform entry (errors of order 1).
@Suite("Winograd F(6×6, 3×3) in Float against the reference in Double")
struct WinogradAccuracyTests {
    static let cases: [ConvolutionCase] = [
        ConvolutionCase(batch: 1, height: 7, width: 11, inputs: 32, outputs: 32, window: (3, 3), padding: .symmetric(1)),
        ConvolutionCase(batch: 1, height: 11, width: 7, inputs: 64, outputs: 64, window: (3, 3), padding: .symmetric(1)),
    ]
    static let bound = 5e-5

    @Test("Forward, input gradient and filter gradient within the bound, every level", arguments: cases)
    func withinBound(_ shape: ConvolutionCase) {
        let g = shape.geometry
        #expect(WinogradConvolution<Float>.applies(to: g))
        var generator = SeededGenerator(seed: 36)
        func random(_ shape: [Int]) -> [Float] { (0..<shape.elementCount).map { _ in Float.random(in: -1..<1, using: &generator) } }
        let (x, w, gy) = (random(g.inputShape), random(g.filterShape), random(g.outputShape))
        typealias Kernel<T> = (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, ConvolutionGeometry) -> Void
        typealias Pass = (name: String, a: [Float], b: [Float], count: Int, kernel: (KernelTable<Float>) -> Kernel<Float>,
                          reference: Kernel<Double>)
        let passes: [Pass] = [
            ("forward", x, w, g.outputShape.elementCount, { table in { table.convolution($0, $1, nil, false, $2, $3) } },
             { ReferenceKernels<Double>.convolution($0, $1, nil, false, $2, $3) }),
            ("input gradient", gy, w, g.inputShape.elementCount, \.convolutionInputGradient,
             ReferenceKernels<Double>.convolutionInputGradient),
            ("filter gradient", x, gy, g.filterShape.elementCount, \.convolutionFilterGradient,
             ReferenceKernels<Double>.convolutionFilterGradient),
        ]
        for pass in passes {
            let exact = [Double](unsafeUninitializedCapacity: pass.count) { buffer, initialized in
                pass.reference(pass.a.map(Double.init), pass.b.map(Double.init), buffer.baseAddress!, g)
                initialized = pass.count
            }
            let scale = exact.map(abs).max() ?? 1
            for level in runnableLevels {
                let kernel = pass.kernel(level.table(Float.self))
                let ours = [Float](unsafeUninitializedCapacity: pass.count) { buffer, initialized in
                    kernel(pass.a, pass.b, buffer.baseAddress!, g)
                    initialized = pass.count
                }
                let error = zip(ours, exact).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(error <= Self.bound * scale, "\(level) \(pass.name): error \(error / scale) of the largest value")
            }
        }
    }
}
