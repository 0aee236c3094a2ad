import KernelSupport

// Slicing and padding: a strided window of a tensor, and a tensor written into a window of a
// larger one filled with a constant. With the window fixed, slicing is linear and its adjoint is
// padding with zeros (and the other way round), so each is the other's pullback.

extension Tensor where Scalar: TensorScalar {
    /// The elements from `start` up to (not including) `end`, every `step`-th, along `axis`;
    /// the other axes whole. Negative `start` and `end` count from the end of the axis, and
    /// 0 ≤ start ≤ end ≤ size must hold then. Pullback: ȳ written back into zeros; pushforward:
    /// ẋ sliced alike.
    @_specialize(where Scalar == Float)
    public func slice(alongAxis axis: Int, from start: Int, to end: Int, by step: Int = 1,
                      file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: "slice", file: file, line: line)
        var window = wholeWindow
        (window.starts[axis], window.extents[axis], window.steps[axis]) =
            sliceBounds(axis, start, end, step, "slice", file: file, line: line)
        return sliced(window)
    }

    /// This tensor with `widths[axis].before` elements of `value` before it and
    /// `widths[axis].after` after it along each axis, as NumPy's `pad(mode: "constant")`.
    /// Pullback: ȳ's interior; pushforward: ẋ padded with zeros.
    @_specialize(where Scalar == Float)
    public func padded(_ widths: [(before: Int, after: Int)], value: Scalar = 0,
                       file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard widths.count == rank, widths.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            let given = widths.map { "(\($0.before), \($0.after))" }.joined(separator: ", ")
            fatalError("pad: [\(given)] must give two non-negative widths for each axis of shape \(shape)",
                       file: file, line: line)
        }
        let window = StridedWindow(dimensions: zip(shape, widths).map { $0 + $1.before + $1.after },
                                   starts: widths.map(\.before), steps: Array(repeating: 1, count: rank), extents: shape.dimensions)
        return embedded(in: window, filling: value)
    }

    /// The window of every element, which the slicing forms narrow axis by axis.
    var wholeWindow: StridedWindow {
        StridedWindow(dimensions: shape.dimensions, starts: Array(repeating: 0, count: rank),
                      steps: Array(repeating: 1, count: rank), extents: shape.dimensions)
    }

    /// The start, extent and step of a slice of `axis`, or a stop naming `operation`, the bounds,
    /// the shape and the caller's location.
    func sliceBounds(_ axis: Int, _ start: Int, _ end: Int, _ step: Int, _ operation: String,
                     file: StaticString, line: UInt) -> (start: Int, extent: Int, step: Int) {
        let size = shape[axis]
        let (lower, upper) = (start < 0 ? start + size : start, end < 0 ? end + size : end)
        guard step > 0, lower >= 0, lower <= upper, upper <= size else {
            fatalError("\(operation): \(start)..<\(end) by \(step) is not a slice of axis \(axis) of shape \(shape) (0 ≤ start ≤ end ≤ \(size), step ≥ 1)",
                       file: file, line: line)
        }
        return (lower, (upper - lower + step - 1) / step, step)
    }

    /// The elements of `window` (its dimensions are this shape), shaped like its extents.
    @_specialize(where Scalar == Float)
    func sliced(_ window: StridedWindow) -> Tensor {
        if window == wholeWindow { return self }
        let kernel = Scalar.kernels.slice
        let forward: Forward<Scalar> = { inputs, output in kernel(inputs.first, window, output) }
        return .applying(.slice, forward, to: self, shape: Shape(window.extents)) {
            .linear({ $0.sliced(window) }, adjoint: { $0.embedded(in: window, filling: 0) })
        }
    }

    /// A tensor of the window's dimensions holding `value` everywhere but in `window`, which holds
    /// this tensor (shaped like the window's extents).
    @_specialize(where Scalar == Float)
    func embedded(in window: StridedWindow, filling value: Scalar) -> Tensor {
        if window == wholeWindow { return self }
        let kernel = Scalar.kernels.embed
        let forward: Forward<Scalar> = { inputs, output in kernel(inputs.first, window, value, output) }
        return .applying(.pad, forward, to: self, shape: Shape(window.dimensions)) {
            .linear({ $0.embedded(in: window, filling: 0) }, adjoint: { $0.sliced(window) })
        }
    }
}
