import KernelSupport

// Concatenation of any number of tensors along an axis (one primitive: the n-ary record), and
// what is built on it and on slicing: stack and split. The pullback of a concatenation is the
// slices of the cotangent, one per input; the pushforward concatenates the tangents.

/// `tensors` side by side along `axis`, as NumPy's `concatenate` and PyTorch's `cat`: their
/// shapes must agree except along `axis`. Pullback: ȳ sliced back into one piece per input;
/// pushforward: the tangents concatenated (zeros for constant inputs).
@_specialize(where Scalar == Float)
public func concatenate<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], alongAxis axis: Int = 0,
                                              file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
    guard let first = tensors.first else { fatalError("concatenate: no tensors to concatenate", file: file, line: line) }
    let axis = first.shape.normalizedAxis(axis, operation: "concatenate", file: file, line: line)
    for tensor in tensors where tensor.rank != first.rank || tensor.shape.indices.contains(where: { $0 != axis && tensor.shape[$0] != first.shape[$0] }) {
        Tensor<Scalar>.shapeMismatch("concatenate", first.shape, tensor.shape, "differ other than along axis \(axis)",
                                     file: file, line: line)
    }
    if tensors.count == 1 { return first }
    let sizes = tensors.map { $0.shape[axis] }
    var shape = first.shape
    shape[axis] = sizes.reduce(0, +)
    let layout = AxisLayout(shape.dimensions, axis: axis)
    let kernel = Scalar.kernels.concatenate
    let forward: Forward<Scalar> = { inputs, output in kernel(inputs.pointers, sizes, layout.outer, layout.inner, output) }
    return .applying(.concatenate, forward, to: tensors, shape: shape) {
        let starts = sizes.indices.map { sizes[..<$0].reduce(0, +) }
        let recorded = tensors.map(\.isRecorded)
        return DerivativeRules(
            pullback: { cotangent, _ in
                Tangents(sizes.indices.map { k in
                    recorded[k] ? cotangent.slice(alongAxis: axis, from: starts[k], to: starts[k] + sizes[k]) : nil
                })
            },
            pushforward: { t, _ in
                concatenate(tensors.indices.map { t[$0] ?? Tensor.zeros(tensors[$0].shape) }, alongAxis: axis)
            })
    }
}

/// `tensors`, all of one shape, stacked along a new axis at `axis` (0...rank), as NumPy's and
/// PyTorch's `stack`: `[f1, f2]` of two scalars is `stack([f1, f2])`. Derivatives as for
/// ``concatenate(_:alongAxis:file:line:)``.
@_specialize(where Scalar == Float)
public func stack<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], alongAxis axis: Int = 0,
                                        file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
    guard let first = tensors.first else { fatalError("stack: no tensors to stack", file: file, line: line) }
    let rank = first.rank
    guard (-(rank + 1)...rank).contains(axis) else {
        fatalError("stack: axis \(axis) is out of range for tensors of shape \(first.shape) (0...\(rank))", file: file, line: line)
    }
    let position = axis < 0 ? axis + rank + 1 : axis
    if let other = tensors.first(where: { $0.shape != first.shape }) {
        Tensor<Scalar>.shapeMismatch("stack", first.shape, other.shape, "differ (stacked tensors share one shape)", file: file, line: line)
    }
    var expanded = first.shape.dimensions
    expanded.insert(1, at: position)
    return concatenate(tensors.map { $0.reshaped(to: Shape(expanded)) }, alongAxis: position, file: file, line: line)
}

extension Tensor where Scalar: TensorScalar {
    /// Consecutive pieces along `axis` of `sizes` elements each (summing to the axis' size), as
    /// PyTorch's `split` with a list of sizes. Each piece is a slice (see
    /// ``slice(alongAxis:from:to:by:file:line:)``).
    public func split(sizes: [Int], alongAxis axis: Int = 0, file: StaticString = #fileID, line: UInt = #line) -> [Tensor] {
        let normalized = shape.normalizedAxis(axis, operation: "split", file: file, line: line)
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[normalized] else {
            fatalError("split: sizes \(sizes) do not add up to axis \(normalized) of shape \(shape)", file: file, line: line)
        }
        let starts = sizes.indices.map { sizes[..<$0].reduce(0, +) }
        return zip(starts, sizes).map { slice(alongAxis: normalized, from: $0, to: $0 + $1, file: file, line: line) }
    }

    /// `count` equal consecutive pieces along `axis`, whose size `count` must divide, as NumPy's
    /// `split` with a number of sections.
    public func split(count: Int, alongAxis axis: Int = 0, file: StaticString = #fileID, line: UInt = #line) -> [Tensor] {
        let normalized = shape.normalizedAxis(axis, operation: "split", file: file, line: line)
        guard count > 0, shape[normalized] % count == 0 else {
            fatalError("split: \(count) equal pieces do not divide axis \(normalized) of shape \(shape)", file: file, line: line)
        }
        return split(sizes: Array(repeating: shape[normalized] / count, count: count), alongAxis: normalized, file: file, line: line)
    }
}
