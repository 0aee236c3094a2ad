import KernelSupport

// Reductions along any axes beyond the sum: max and min (one winner per output, whose position
// the forward rule records; the derivative is a gather at the winners, as for max pooling),
// argmax and argmin (index tensors), variance and log-sum-exp (compositions).

extension Tensor where Scalar: TensorScalar {
    /// The largest element over `axes` (negative axes count from the end); the reduced axes
    /// are kept with size 1 when `keepingDimensions`. Among equal largest elements the first
    /// in row-major order wins and receives the whole gradient, as in max pooling; a NaN wins
    /// over numbers. Pullback: ȳ at the winners, 0 elsewhere; pushforward: ẋ at the winners.
    @_specialize(where Scalar == Float)
    public func max(alongAxes axes: [Int], keepingDimensions: Bool = false,
                    file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        extreme(.reduceMax, alongAxes: axes, keepingDimensions: keepingDimensions, file: file, line: line)
    }

    /// The largest element of the whole tensor, as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    public func max(file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        max(alongAxes: Array(0..<rank), file: file, line: line)
    }

    /// The smallest element over `axes`; see ``max(alongAxes:keepingDimensions:file:line:)``.
    @_specialize(where Scalar == Float)
    public func min(alongAxes axes: [Int], keepingDimensions: Bool = false,
                    file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        extreme(.reduceMin, alongAxes: axes, keepingDimensions: keepingDimensions, file: file, line: line)
    }

    /// The smallest element of the whole tensor, as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    public func min(file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        min(alongAxes: Array(0..<rank), file: file, line: line)
    }

    /// The position along `axis` of the largest element of each line (the first on ties), as an
    /// index tensor shaped like the result of ``max(alongAxes:keepingDimensions:file:line:)``.
    /// Not differentiable (an index tensor).
    public func argmax(alongAxis axis: Int, keepingDimensions: Bool = false,
                       file: StaticString = #fileID, line: UInt = #line) -> Tensor<Int32> {
        argExtreme(maximum: true, alongAxis: axis, keepingDimensions: keepingDimensions, file: file, line: line)
    }

    /// The row-major position of the largest element of the whole tensor (rank 0).
    public func argmax(file: StaticString = #fileID, line: UInt = #line) -> Tensor<Int32> {
        reshaped(to: [elementCount]).argmax(alongAxis: 0, file: file, line: line)
    }

    /// The position along `axis` of the smallest element of each line; see ``argmax(alongAxis:keepingDimensions:file:line:)``.
    public func argmin(alongAxis axis: Int, keepingDimensions: Bool = false,
                       file: StaticString = #fileID, line: UInt = #line) -> Tensor<Int32> {
        argExtreme(maximum: false, alongAxis: axis, keepingDimensions: keepingDimensions, file: file, line: line)
    }

    /// The row-major position of the smallest element of the whole tensor (rank 0).
    public func argmin(file: StaticString = #fileID, line: UInt = #line) -> Tensor<Int32> {
        reshaped(to: [elementCount]).argmin(alongAxis: 0, file: file, line: line)
    }

    /// The population variance over `axes`, mean((x − mean(x))²), as NumPy's `var` (PyTorch's
    /// `var(unbiased: false)`); reduced axes kept when `keepingDimensions`. A composition of
    /// mean, subtraction and squares, differentiated through them.
    @_specialize(where Scalar == Float)
    public func variance(alongAxes axes: [Int], keepingDimensions: Bool = false,
                         file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let centered = self - mean(alongAxes: axes, keepingDimensions: true, file: file, line: line)
        return centered.square().mean(alongAxes: axes, keepingDimensions: keepingDimensions, file: file, line: line)
    }

    /// log Σ eˣ over `axes`, without overflow: m + log Σ e^(x − m) with m the largest element
    /// clamped to the finite range, so that a line of −∞ gives −∞ and one holding +∞ gives +∞
    /// (not ∞ − ∞). Reduced axes kept when `keepingDimensions`.
    /// Its gradient is the softmax over the axes.
    @_specialize(where Scalar == Float)
    public func logSumExp(alongAxes axes: [Int], keepingDimensions: Bool = false,
                          file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let largest = max(alongAxes: axes, keepingDimensions: true, file: file, line: line)
            .clamp(min: -Scalar.greatestFiniteMagnitude, max: Scalar.greatestFiniteMagnitude)
        let result = (self - largest).exp().sum(alongAxes: axes, keepingDimensions: true).log() + largest
        return keepingDimensions ? result : result.reshaped(to: reducedShape(axes, keepingDimensions: false, "logSumExp", file, line))
    }

    /// The shape left after reducing `axes`: size 1 there, or without them.
    func reducedShape(_ axes: [Int], keepingDimensions: Bool, _ operation: String, _ file: StaticString, _ line: UInt) -> Shape {
        let reduced = Set(axes.map { shape.normalizedAxis($0, operation: operation, file: file, line: line) })
        return Shape(shape.indices.compactMap { reduced.contains($0) ? (keepingDimensions ? 1 : nil) : shape[$0] })
    }

    /// max or min over `axes`: the reduced axes brought together (transposed after the kept
    /// ones when they are not adjacent) into the middle axis of an (outer, size, inner) layout.
    private func extreme(_ primitive: Primitive, alongAxes axes: [Int], keepingDimensions: Bool,
                         file: StaticString, line: UInt) -> Tensor {
        let operation = primitive == .reduceMax ? "max" : "min"
        let reduced = Set(axes.map { shape.normalizedAxis($0, operation: operation, file: file, line: line) }).sorted()
        if let empty = reduced.first(where: { shape[$0] == 0 }) {
            fatalError("\(operation): axis \(empty) of shape \(shape) is empty: there is no extreme", file: file, line: line)
        }
        let result = reducedShape(reduced, keepingDimensions: keepingDimensions, operation, file, line)
        guard let first = reduced.first else { return self }
        let adjacent = reduced.last! - first + 1 == reduced.count
        let kept = shape.indices.filter { !reduced.contains($0) }
        let source = adjacent ? self : transposed(permutation: kept + reduced)
        let (start, end) = adjacent ? (first, reduced.last! + 1) : (kept.count, rank)
        let layout = AxisLayout(outer: source.shape[..<start].reduce(1, *), size: source.shape[start..<end].reduce(1, *),
                                inner: source.shape[end...].reduce(1, *))
        return source.extremeAlongMiddle(primitive, layout).reshaped(to: result)
    }

    /// max or min along the middle axis of `layout`: an (outer · inner) tensor, and the routes
    /// of its winners, which the forward rule writes on each run.
    private func extremeAlongMiddle(_ primitive: Primitive, _ layout: AxisLayout) -> Tensor {
        let routes = Routes(count: layout.outer * layout.inner, blockSize: 1, sourceShape: shape)
        let (kernel, maximum) = (Scalar.kernels.extremum, primitive == .reduceMax)
        let forward: Forward<Scalar> = { inputs, output in kernel(inputs.first, layout, maximum, output, routes.offsets) }
        let shape: Shape = [layout.outer * layout.inner]
        return .applying(primitive, forward, to: self, shape: shape) {
            .linear({ $0.gathered(along: routes, shape: shape) }, adjoint: { $0.scattered(along: routes) })
        }
    }

    /// argmax or argmin along `axis`: the extremum kernel's winners as positions on the axis.
    private func argExtreme(maximum: Bool, alongAxis axis: Int, keepingDimensions: Bool,
                            file: StaticString, line: UInt) -> Tensor<Int32> {
        let operation = maximum ? "argmax" : "argmin"
        let axis = shape.normalizedAxis(axis, operation: operation, file: file, line: line)
        guard shape[axis] > 0 else {
            fatalError("\(operation): axis \(axis) of shape \(shape) is empty: there is no extreme", file: file, line: line)
        }
        let layout = AxisLayout(shape.dimensions, axis: axis)
        let count = layout.outer * layout.inner
        var routes = [Int](repeating: 0, count: count), values = [Scalar](repeating: 0, count: count)
        withUnsafeBufferPointer { x in
            values.withUnsafeMutableBufferPointer { v in
                routes.withUnsafeMutableBufferPointer { Scalar.kernels.extremum(x.baseAddress!, layout, maximum, v.baseAddress!, $0.baseAddress!) }
            }
        }
        return Tensor<Int32>(routes.map { $0 / layout.inner % layout.size },
                             shape: reducedShape([axis], keepingDimensions: keepingDimensions, operation, file, line))
    }
}
