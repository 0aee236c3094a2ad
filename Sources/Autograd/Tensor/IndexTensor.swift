// Index tensors: `Tensor<Int32>` holds class labels, token ids, gather indices and argmax
// results. Operations take them as inputs (one-hot, gather, embedding lookup, cross-entropy
// against labels) but never differentiate them.

extension Tensor where Scalar == Int32 {
    /// The index tensor of `indices` (row-major), of `shape` (default: rank 1). Every index must
    /// fit in `Int32`.
    public init(_ indices: some Collection<Int>, shape: Shape? = nil, file: StaticString = #fileID, line: UInt = #line) {
        let shape = shape ?? [indices.count]
        guard indices.count == shape.elementCount else {
            fatalError("Tensor<Int32>(_:shape:): \(indices.count) indices do not fill shape \(shape)", file: file, line: line)
        }
        self.init(shape: shape) { buffer in
            for (position, index) in indices.enumerated() {
                guard let narrow = Int32(exactly: index) else {
                    fatalError("Tensor<Int32>(_:shape:): index \(index) at \(position) does not fit in Int32", file: file, line: line)
                }
                buffer[position] = narrow
            }
        }
    }

    /// The index tensor of `values` rounded toward zero, which must all be finite and within
    /// `Int32`'s range (not recorded: an index tensor is never differentiated).
    public init<Source: TensorScalar>(truncating values: Tensor<Source>, file: StaticString = #fileID, line: UInt = #line) {
        self.init(shape: values.shape) { target in
            values.withUnsafeBufferPointer { source in
                for i in source.indices {
                    guard let index = Int32(exactly: source[i].rounded(.towardZero)) else {
                        fatalError("Tensor<Int32>(truncating:): element \(i), \(source[i]), is not an Int32", file: file, line: line)
                    }
                    target[i] = index
                }
            }
        }
    }

    /// Stops with a message naming `operation`, the first index outside `0..<count`, its position
    /// (a multi-index) and the caller's location; returns the indices as `Int`s otherwise.
    func checkedIndices(below count: Int, _ operation: String, file: StaticString, line: UInt) -> [Int] {
        withUnsafeBufferPointer { indices in
            indices.indices.map { position in
                let index = Int(indices[position])
                guard index >= 0 && index < count else {
                    fatalError("\(operation): index \(index) at \(shape.multiIndex(ofOffset: position)) of indices \(shape) is outside 0..<\(count)",
                               file: file, line: line)
                }
                return index
            }
        }
    }
}

extension Tensor where Scalar: TensorScalar {
    /// The one-hot encoding of `indices`: shape `indices.shape + [classCount]`, 1 at each
    /// index's position along the new last axis and 0 elsewhere (not recorded: a constant).
    /// Every index must be in `0..<classCount`.
    public init(oneHot indices: Tensor<Int32>, classCount: Int, file: StaticString = #fileID, line: UInt = #line) {
        self.init(oneHot: indices, classCount: classCount, operation: "oneHot", file: file, line: line)
    }

    /// ``init(oneHot:classCount:file:line:)`` for `operation`, which a bad index's message names.
    package init(oneHot indices: Tensor<Int32>, classCount: Int, operation: String, file: StaticString, line: UInt) {
        let positions = indices.checkedIndices(below: classCount, operation, file: file, line: line)
        self = .zeros(Shape(indices.shape.dimensions + [classCount]))
        withUnsafeMutableBufferPointer { buffer in
            for (row, index) in positions.enumerated() { buffer[row * classCount + index] = 1 }
        }
    }
}

extension Shape {
    /// The multi-index of the element at row-major `offset`.
    func multiIndex(ofOffset offset: Int) -> [Int] {
        var remainder = offset
        return strides.map { stride in
            defer { remainder %= stride }
            return remainder / stride
        }
    }
}
