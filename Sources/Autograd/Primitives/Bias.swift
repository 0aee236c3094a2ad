import KernelSupport

// A layer's bias, with or without the ReLU after it, as one primitive: y = x + b or
// y = relu(x + b), b a vector broadcast along the last axis of x. The same values as
// `x + b` (broadcast, then add) and `(x + b).relu()`, in one pass over x instead of three.

extension Tensor where Scalar: TensorScalar {
    /// This tensor plus `bias` along its last axis, y[…, c] = x[…, c] + b[c]; then max(0, ·)
    /// when `rectified`. `bias` has one element per entry of the last axis.
    /// Pullback: (z̄, Σ z̄ over the leading axes) with z̄ = ḡ, or ḡ ∘ 1[y > 0] when rectified;
    /// pushforward: ẋ + ḃ, masked alike.
    @_specialize(where Scalar == Float)
    public func addingBias(_ bias: Tensor, rectified: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard rank >= 1, bias.shape == [shape[rank - 1]] else {
            Tensor.shapeMismatch("addBias", shape, bias.shape, "do not match (the bias needs one element per entry of the last axis)",
                                 file: file, line: line)
        }
        let (columns, count) = (bias.elementCount, elementCount)
        let rows = columns == 0 ? 0 : count / columns
        let kernel = Scalar.kernels.addBias
        let forward: Forward<Scalar> = { inputs, output in kernel(inputs.first, inputs.second, output, rows, columns, rectified) }
        return .applying(rectified ? .addBiasRelu : .addBias, forward, to: self, bias, shape: shape) {
            let (needsInput, needsBias, source, biasShape) = (isRecorded, bias.isRecorded, shape, bias.shape)
            return DerivativeRules(
                pullback: { cotangent, output in
                    let z = rectified ? cotangent.reluBackward(input: output) : cotangent
                    return Tangents(needsInput ? z : nil, needsBias ? z.summed(toShape: biasShape) : nil)
                },
                pushforward: { t, output in
                    let z = addTangents(t.first, t.second?.broadcast(to: source))
                    return rectified ? z.reluBackward(input: output) : z
                })
        }
    }
}
