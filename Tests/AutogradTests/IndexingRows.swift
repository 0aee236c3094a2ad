@testable import Autograd

/// Rows of the primitive table for reductions, gathering, slicing, padding, concatenation,
/// batched matrix products and masked softmax.
let indexingRows: [PrimitiveCase] = [
    row(.reduceMax, "last axis", [[3, 5]]) { $0[0].max(alongAxes: [-1]) },
    row(.reduceMax, "middle axis kept", [[2, 4, 3]]) { $0[0].max(alongAxes: [1], keepingDimensions: true) },
    row(.reduceMax, "axes 0 and 2 (not adjacent)", [[3, 2, 4]]) { $0[0].max(alongAxes: [0, 2]) },
    row(.reduceMax, "everything", [[3, 4]]) { $0[0].max() },
    row(.reduceMin, "first axis", [[4, 3]]) { $0[0].min(alongAxes: [0]) },
    row(.reduceMin, "last two axes kept", [[2, 3, 4]]) { $0[0].min(alongAxes: [1, 2], keepingDimensions: true) },
    row(.reduceMax, "log-sum-exp over the last axis", [[3, 5]], in: -3..<3) { $0[0].logSumExp(alongAxes: [-1]) },
    row(.sum, "variance over axes 0 and 2", [[3, 2, 4]]) { $0[0].variance(alongAxes: [0, 2]) },
    row(.gather, "take rows with repeats", [[4, 3]]) { $0[0].taking(Tensor<Int32>([2, 0, 2, 3], shape: [2, 2]), alongAxis: 0) },
    row(.gather, "take along the last axis", [[2, 5]]) { $0[0].taking(Tensor<Int32>([4, 1, 1]), alongAxis: -1) },
    row(.gather, "gather along axis 1 (take_along_axis)", [[3, 4]]) {
        $0[0].gathering(alongAxis: 1, indices: Tensor<Int32>([0, 3, 3, 1, 2, 2, 0, 1, 3], shape: [3, 3]))
    },
    row(.gather, "embedding lookup, repeated ids", [[5, 3]]) { embedding(Tensor<Int32>([1, 4, 1, 0, 1, 2], shape: [2, 3]), table: $0[0]) },
    row(.scatterAdd, "scatter-add along axis 0, repeated targets", [[3, 2], [4, 2]]) {
        $0[0].scatteringAdd($0[1], alongAxis: 0, indices: Tensor<Int32>([0, 2, 2, 2, 1, 0, 0, 1], shape: [4, 2]))
    },
    row(.slice, "axis 1, from 1 to 4", [[3, 5]]) { $0[0].slice(alongAxis: 1, from: 1, to: 4) },
    row(.slice, "axis 0, every other row, negative end", [[5, 2, 3]]) { $0[0].slice(alongAxis: 0, from: 0, to: -1, by: 2) },
    row(.pad, "constant 0.5, uneven widths", [[2, 3]]) { $0[0].padded([(1, 0), (2, 1)], value: 0.5) },
    row(.pad, "as a strided slice's recorded pullback", [[5, 2], [3, 2]]) { v in
        recordedPullback(of: { $0[0].slice(alongAxis: 0, from: 0, to: 5, by: 2) }, at: [v[0]], cotangent: v[1])[0]
    },
    row(.concatenate, "four inputs along axis 1", [[2, 1], [2, 3], [2, 0], [2, 2]]) { concatenate($0, alongAxis: 1) },
    row(.concatenate, "stack of scalars: [f1, f2]", [[], []]) { v in stack([v[0] * v[1], v[0].exp()]) },
    row(.slice, "split in three along the last axis", [[2, 6]]) { v in
        let parts = v[0].split(count: 3, alongAxis: -1)
        return parts[0] * parts[1] + parts[2]
    },
    row(.slice, "subscript x[1, .newAxis, .all, 1..<4]", [[3, 4, 5]]) { $0[0][1, .newAxis, .all, 1..<4] },
    row(.slice, "subscript x[.ellipsis, stride(from: 0, to: 5, by: 2)]", [[2, 5]]) { $0[0][.ellipsis, stride(from: 0, to: 5, by: 2)] },
    row(.matmul, "batch [2, 3] × [2, 3]", [[2, 3, 4], [2, 4, 5]]) { matmul($0[0], $0[1]) },
    row(.matmul, "batch broadcast against a matrix, B transposed", [[2, 3, 4], [5, 4]]) { matmul($0[0], $0[1], transposeB: true) },
    row(.matmul, "attention-like [B, H, T, d] × [B, H, d, T]ᵀ-forms", [[2, 1, 3, 2], [1, 2, 3, 2]]) {
        matmul($0[0], $0[1], transposeA: true)
    },
    row(.matmul, "both transposed, batch axes broadcast both ways", [[2, 1, 3, 4], [1, 3, 5, 3]]) {
        matmul($0[0], $0[1], transposeA: true, transposeB: true)
    },
    row(.softmax, "causal mask, last axis", [[2, 4, 4]], in: -3..<3) { $0[0].softmax(mask: Tensor.causalMask(4)) },
    row(.causalSoftmax, "[B, H, T, T] scores", [[2, 1, 3, 3]], in: -3..<3) { $0[0].causalSoftmax() },
    // A finite mask: log-softmax is −∞ where masked by −∞, which finite differences cannot compare.
    row(.logSoftmax, "finite additive mask, last axis", [[4, 4]], in: -3..<3) { $0[0].logSoftmax(mask: Tensor.causalMask(4).clamp(min: -50)) },
]
