import KernelSupport

// Shape operations: reshape and transpose. Both move elements without arithmetic; their
// pullbacks apply the inverse movement to the cotangent.

extension Tensor where Scalar: TensorScalar {
    /// The same elements with another shape of equal element count; one dimension may be −1
    /// (inferred). Pullback: ḡ reshaped back; pushforward: ẋ reshaped.
    @_specialize(where Scalar == Float)
    public func reshaped(to newShape: [Int], file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        var dimensions = newShape
        if let inferred = dimensions.firstIndex(of: -1) {
            let known = dimensions.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            if known > 0 && elementCount % known == 0 { dimensions[inferred] = elementCount / known }
        }
        guard dimensions.allSatisfy({ $0 >= 0 }), dimensions.reduce(1, *) == elementCount else {
            fatalError("reshape: shape \(shape) (\(elementCount) elements) cannot be viewed as \(newShape)",
                                file: file, line: line)
        }
        return reshaped(to: Shape(dimensions))
    }

    /// The same elements with `newShape` (equal element count).
    @_specialize(where Scalar == Float)
    public func reshaped(to newShape: Shape, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        if newShape == shape { return self }
        guard newShape.elementCount == elementCount else {
            Tensor.shapeMismatch("reshape", shape, newShape, "hold different numbers of elements", file: file, line: line)
        }
        let y = viewed(as: newShape)
        guard let tape = Tape.recording(self) else { return y }
        let source = shape
        return tape.record(.reshape, y, inputs: self, forward: nil,
            pullback: { cotangent, _ in Tangents(cotangent.reshaped(to: source)) },
            pushforward: { t, _ in t.first!.reshaped(to: newShape) })
    }

    /// The axes permuted: axis i of the result is axis `permutation[i]` of this tensor.
    /// Pullback: ḡ permuted by the inverse permutation; pushforward: ẋ permuted.
    @_specialize(where Scalar == Float)
    public func transposed(permutation: [Int], file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            fatalError("transpose: \(permutation) is not a permutation of the axes of shape \(shape)",
                                file: file, line: line)
        }
        if permutation == Array(0..<rank) { return self }
        let (source, target) = (shape, Shape(permutation.map { shape[$0] }))
        let forward: Forward<Scalar> = { inputs, output in
            Scalar.kernels.transpose(inputs.first, source.dimensions, permutation, output)
        }
        return .applying(.transpose, forward, to: self, shape: target) {
            var inverse = permutation
            for (axis, source) in permutation.enumerated() { inverse[source] = axis }
            return .linear({ $0.transposed(permutation: permutation) }, adjoint: { $0.transposed(permutation: inverse) })
        }
    }

    /// The axes in reverse order (the matrix transpose for rank 2).
    @_specialize(where Scalar == Float)
    public func transposed(file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        transposed(permutation: Array((0..<rank).reversed()), file: file, line: line)
    }
}
