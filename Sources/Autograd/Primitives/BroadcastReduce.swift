import KernelSupport

// Broadcasting and summation: mutual adjoints. `broadcast` stretches axes of size 1 (and adds
// leading axes) under NumPy rules; its pullback sums over the stretched axes. `sum` reduces to a
// broadcast-compatible shape; its pullback broadcasts back. Means are scaled sums.

extension Tensor where Scalar: TensorScalar {
    /// This tensor stretched to `target` under NumPy rules.
    /// Pullback: ḡ summed over the broadcast axes; pushforward: ẋ broadcast.
    @_specialize(where Scalar == Float)
    public func broadcast(to target: Shape, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        if shape == target { return self }
        guard shape.isBroadcastable(to: target) else {
            Tensor.shapeMismatch("broadcast", shape, target, "are not broadcast-compatible (from the first to the second)",
                                 file: file, line: line)
        }
        // Only leading or unit axes added: the same elements, viewed with another shape.
        if target.elementCount == elementCount { return reshaped(to: target) }
        let (source, from, to) = (shape, shape.dimensions, target.dimensions)
        let forward: Forward<Scalar> = { inputs, output in Scalar.kernels.broadcast(inputs.first, from, output, to) }
        return .applying(.broadcast, forward, to: self, shape: target) {
            .linear({ $0.broadcast(to: target) }, adjoint: { $0.summed(toShape: source) })
        }
    }

    /// The sum of this tensor down to `target`, a shape that broadcasts to this one.
    /// Pullback: ḡ broadcast back; pushforward: ẋ summed alike.
    @_specialize(where Scalar == Float)
    public func summed(toShape target: Shape, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        if shape == target { return self }
        guard target.isBroadcastable(to: shape) else {
            Tensor.shapeMismatch("sum", shape, target, "do not reduce (the second must broadcast to the first)",
                                 file: file, line: line)
        }
        // Only unit axes summed away: the same elements, viewed with another shape.
        if target.elementCount == elementCount { return reshaped(to: target) }
        let (source, from, to) = (shape, shape.dimensions, target.dimensions)
        let forward: Forward<Scalar> = { inputs, output in Scalar.kernels.reduceSum(inputs.first, from, output, to) }
        return .applying(.sum, forward, to: self, shape: target) {
            .linear({ $0.summed(toShape: target) }, adjoint: { $0.broadcast(to: source) })
        }
    }

    /// The sum over `axes` (negative axes count from the end); the summed axes are kept with
    /// size 1 when `keepingDimensions`, dropped otherwise.
    @_specialize(where Scalar == Float)
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false,
                    file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let normalized = Set(axes.map { shape.normalizedAxis($0, operation: "sum", file: file, line: line) })
        let kept = Shape(shape.indices.map { normalized.contains($0) ? 1 : shape[$0] })
        let result = summed(toShape: kept, file: file, line: line)
        guard !keepingDimensions else { return result }
        return result.reshaped(to: Shape(shape.indices.filter { !normalized.contains($0) }.map { shape[$0] }))
    }

    /// The sum of all elements, as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    public func sum() -> Tensor { summed(toShape: []) }

    /// The mean over `axes`; see ``sum(alongAxes:keepingDimensions:file:line:)``.
    @_specialize(where Scalar == Float)
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false,
                     file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let normalized = Set(axes.map { shape.normalizedAxis($0, operation: "mean", file: file, line: line) })
        let count = normalized.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions, file: file, line: line)
            .scaled(by: 1 / Scalar(Swift.max(count, 1)))
    }

    /// The mean of all elements, as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    public func mean() -> Tensor { sum().scaled(by: 1 / Scalar(Swift.max(elementCount, 1))) }
}
