import Foundation
import Testing
import Autograd

/// The examples of Docs/Autograd.md's "Tensor operations", run with their values checked
/// against what the formulas give by hand (the primitive table checks the derivatives).
@Suite("The tensor operations of the docs, by value")
struct OperationExamplesTests {
    /// 0, 1, 2, … in a tensor of `shape`.
    static func counting(_ shape: Shape) -> Tensor<Float> {
        Tensor((0..<shape.elementCount).map(Float.init), shape: shape)
    }

    @Test("subscripts select as NumPy's basic indexing does")
    func subscripts() {
        let x = Self.counting([3, 4, 5])
        #expect(x[1, .all] == x.slice(alongAxis: 0, from: 1, to: 2).reshaped(to: [4, 5]))
        #expect(x[0, 2, 3 ..< 5].scalars == [13, 14])
        #expect(x[.all, 1 ..< 3].shape == [3, 2, 5])
        let lastColumn: [Float] = (0..<12).map { Float($0 * 5 + 4) }
        #expect(x[.ellipsis, -1].scalars == lastColumn)
        #expect(x[-1, .ellipsis] == x[2, .ellipsis])
        #expect(x[stride(from: 0, to: 3, by: 2), 0, 0].scalars == [0, 40])
        #expect(x[.newAxis, .all, 0, 0].shape == [1, 3])
        #expect(x[.all, .newAxis, 0].shape == [3, 1, 5])
        #expect(x[1..., ..<1, ...1].shape == [2, 1, 2])
        #expect(x[0, 0, (-3)...].scalars == [2, 3, 4])
        #expect(x[0, 0, 1...3].scalars == [1, 2, 3])
        #expect(x[1, 2, 3] == 33, "an index for every axis reads the element")
    }

    @Test("a subscript's gradient puts the cotangent back where the elements came from")
    func subscriptGradient() {
        let x = Self.counting([2, 3])
        let (_, gradient) = valueWithGradient(at: x) { $0[.all, stride(from: 0, to: 3, by: 2)].sum() }
        #expect(gradient.scalars == [1, 0, 1, 1, 0, 1])
    }

    @Test("max and min reduce along axes; the first of equal elements receives the gradient")
    func extrema() {
        let x = Tensor<Float>([3, 7, 7, 1, 0, 5], shape: [2, 3])
        #expect(x.max(alongAxes: [-1]).scalars == [7, 5])
        #expect(x.min(alongAxes: [0], keepingDimensions: true) == Tensor([1, 0, 5], shape: [1, 3]))
        #expect(x.max() == Tensor(7))
        #expect(x.argmax(alongAxis: -1).scalars == [1, 2])
        #expect(x.argmin(alongAxis: 0).scalars == [1, 1, 1])
        #expect(x.argmax().scalars == [1])
        let (_, gradient) = valueWithGradient(at: x) { $0.max(alongAxes: [-1]).sum() }
        #expect(gradient.scalars == [0, 1, 0, 0, 0, 1])
    }

    @Test("layer normalisation is one line: mean 0 and variance 1 along the last axis")
    func layerNorm() {
        let x = Tensor<Double>([1, 2, 3, 4, 10, 20, 40, 50], shape: [2, 4])
        let normalized = (x - x.mean(alongAxes: [-1], keepingDimensions: true))
            * (x.variance(alongAxes: [-1], keepingDimensions: true) + 1e-5).rsqrt()
        for row in 0..<2 {
            let values = (0..<4).map { x[row, $0] }
            let mean = values.reduce(0, +) / 4
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            for column in 0..<4 {
                let expected = (values[column] - mean) / (variance + 1e-5).squareRoot()
                #expect(abs(normalized[row, column] - expected) < 1e-12)
            }
        }
    }

    @Test("the fused normalisation with scale and shift is the one-line composition, and gives the batch statistics")
    func fusedNormalization() {
        let x = Tensor<Double>([1, 2, 3, 4, 10, 20, 40, 50], shape: [2, 4])
        let (gamma, beta) = (Tensor<Double>([1, 2, 0.5, -1]), Tensor<Double>([0, 1, 2, 3]))
        let y = x.normalized(over: .lastAxis, scale: gamma, shift: beta)
        let normalized = (x - x.mean(alongAxes: [-1], keepingDimensions: true))
            * (x.variance(alongAxes: [-1], keepingDimensions: true) + 1e-5).rsqrt()
        #expect(y.isApproximatelyEqual(to: normalized * gamma + beta, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        let images = x.reshaped(to: [2, 1, 1, 4])
        let (batch, mean, variance) = images.normalizedWithStatistics(over: .channels, scale: gamma, shift: beta)
        #expect(batch.shape == [2, 1, 1, 4])
        #expect(mean.scalars == [5.5, 11, 21.5, 27])
        #expect(variance.isApproximatelyEqual(to: Tensor([20.25, 81, 342.25, 529]), absoluteTolerance: 1e-12))
        let rectified = images.normalized(over: .channels, scale: gamma, shift: beta, rectified: true)
        #expect(rectified == batch.relu() && rectified.scalars.contains(0) && rectified.scalars.contains { $0 > 0 })
        let blockOutput = batch.adding(images, rectified: true)
        #expect(blockOutput == (batch + images).relu())
    }

    @Test("[f1, f2] is a stack, and its Jacobian has the scalars' gradients as rows")
    func stackOfScalars() {
        let w = Tensor<Double>(0.5)
        let (value, jacobianRow) = valueWithGradient(at: w) { w in
            let f = stack([w * w, w.exp()])
            return (f * Tensor([0, 1])).sum()
        }
        #expect(value == Tensor(exp(0.5)))
        #expect(abs(jacobianRow.scalars[0] - exp(0.5)) < 1e-15)
        #expect(stack([w * w, w.exp()]).shape == [2])
    }

    @Test("causal attention: each query's weights sum to 1 over positions up to its own")
    func causalAttention() {
        let (t, d) = (4, 2)
        let q = Self.counting([1, 2, t, d]) / 10, k = (Self.counting([1, 2, t, d]) / 7).sin(), v = Self.counting([1, 2, t, d])
        let scores = matmul(q, k, transposeB: true) / Float(d).squareRoot()
        let weights = scores.softmax(mask: Tensor.causalMask(t))
        let attended = matmul(weights, v)
        #expect(attended.shape == [1, 2, t, d])
        for head in 0..<2 {
            for query in 0..<t {
                let row = (0..<t).map { weights[0, head, query, $0] }
                #expect(abs(row.reduce(0, +) - 1) < 1e-6)
                #expect(row[(query + 1)...].allSatisfy { $0 == 0 }, "row \(query) attends to a later position: \(row)")
            }
        }
        #expect(attended[0, 1, 0, 1] == v[0, 1, 0, 1], "the first query sees only the first value")
        let fused = matmul(scores.causalSoftmax(), v)
        #expect(zip(fused.scalars, attended.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(fused) vs \(attended)")
    }

    @Test("a line masked whole gives zeros, not NaN")
    func maskedLine() {
        let mask = Tensor<Float>([0, 0, -.infinity, -.infinity], shape: [2, 2])
        let p = Tensor<Float>([1, 2, 3, 4], shape: [2, 2]).softmax(mask: mask)
        #expect(p.scalars[2...] == [0, 0])
        #expect(abs(p.scalars[0] + p.scalars[1] - 1) < 1e-6)
    }

    @Test("a line of NaN stays NaN along every axis, masked or not (never a silent zero)")
    func nanLine() {
        let x = Tensor<Float>([.nan, .nan, 1, 2], shape: [2, 2])
        let mask = Tensor<Float>([-.infinity, 0], shape: [1, 2])
        for p in [x.softmax(), x.softmax(mask: mask), x.logSoftmax(), x.transposed().softmax(alongAxis: 0).transposed()] {
            let (first, second) = (p.scalars[..<2], p.scalars[2...])
            #expect(first.allSatisfy { $0.isNaN }, "\(p)")
            #expect(second.allSatisfy { !$0.isNaN }, "\(p)")
        }
    }

    @Test("log-sum-exp of lines holding +∞, −∞ and NaN: +∞, the others' value, NaN")
    func logSumExpAtInfinity() {
        let x = Tensor<Float>([.infinity, 1, -.infinity, 0, -.infinity, -.infinity, .nan, 1], shape: [4, 2])
        let result = x.logSumExp(alongAxes: [1]).scalars
        #expect(result[0] == .infinity)
        #expect(result[1] == 0)
        #expect(result[2] == -.infinity)
        #expect(result[3].isNaN)
    }

    @Test("gather, take, embedding and scatter-add, by hand")
    func indexing() {
        let table = Self.counting([4, 2])
        let ids = Tensor<Int32>([3, 0, 3])
        #expect(embedding(ids, table: table).scalars == [6, 7, 0, 1, 6, 7])
        #expect(table.taking(Tensor<Int32>([1]), alongAxis: -1).scalars == [1, 3, 5, 7])
        #expect(table.gathering(alongAxis: 1, indices: Tensor<Int32>([1, 0, 0, 0, 1, 1, 0, 1], shape: [4, 2])).scalars
                == [1, 0, 2, 2, 5, 5, 6, 7])
        let sums = Tensor<Float>.zeros([2, 2]).scatteringAdd(Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]), alongAxis: 0,
                                                             indices: Tensor<Int32>([1, 0, 1, 1, 0, 0], shape: [3, 2]))
        #expect(sums.scalars == [5, 2 + 6, 1 + 3, 4])
        let (_, gradient) = valueWithGradient(at: table) { embedding(ids, table: $0).sum() }
        #expect(gradient.scalars == [1, 1, 0, 0, 0, 0, 2, 2], "repeated ids accumulate")
        #expect(Tensor<Float>(oneHot: Tensor<Int32>([2, 0]), classCount: 3).scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test("slices, pads, splits, concatenation and where")
    func shapes() {
        let x = Self.counting([2, 5])
        #expect(x.slice(alongAxis: 1, from: 1, to: 5, by: 2).scalars == [1, 3, 6, 8])
        #expect(x.padded([(0, 0), (1, 0)], value: -1).scalars == [-1, 0, 1, 2, 3, 4, -1, 5, 6, 7, 8, 9])
        let parts = x.split(sizes: [2, 3], alongAxis: -1)
        #expect(parts.map(\.shape) == [[2, 2], [2, 3]])
        #expect(concatenate(parts, alongAxis: 1) == x)
        #expect(x.split(count: 2).map(\.scalars) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
        #expect(Tensor.where(x .> 4, x, -x).scalars == [0, -1, -2, -3, -4, 5, 6, 7, 8, 9])
        #expect((x .<= 1).scalars == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("element-wise mathematics against the scalar functions")
    func elementwiseMath() {
        let x = Tensor<Double>([-2, -0.5, 0.25, 3])
        #expect(x.abs().scalars == [2, 0.5, 0.25, 3])
        #expect(x.square().scalars == [4, 0.25, 0.0625, 9])
        #expect(x.abs().sqrt().scalars == [2, 0.5, 0.25, 3].map { $0.squareRoot() })
        #expect(x.clamp(min: -1, max: 1).scalars == [-1, -0.5, 0.25, 1])
        #expect(x.pow(3).isApproximatelyEqual(to: Tensor([-8, -0.125, 0.015625, 27]), relativeTolerance: 1e-14))
        #expect(maximum(x, Tensor(0)).scalars == [0, 0, 0.25, 3])
        let gelu = x.gelu().scalars, silu = x.silu().scalars
        for (i, value) in x.scalars.enumerated() {
            #expect(abs(gelu[i] - 0.5 * value * (1 + erf(value / 2.0.squareRoot()))) < 1e-9)
            #expect(abs(silu[i] - value / (1 + exp(-value))) < 1e-12)
        }
    }
}

