/// An n-dimensional array of `Float` or `Double` (differentiable), or of `Int32` (an index tensor):
/// a shape and row-major, contiguous elements.
///
/// `Tensor` is a value type with copy-on-write storage: copies are cheap and share elements
/// until one of them is written. Inside a recording scope (see ``valueWithGradient(at:of:)``
/// and ``withGradientTape(of:_:)``), the tensor also remembers where it was recorded, so that
/// every operation applied to it is appended to the tape. Outside a scope nothing is recorded.
///
/// Writing an element of a recorded tensor detaches the written copy from the tape: writes are
/// not differentiable operations.
public struct Tensor<Scalar: TensorElement>: @unchecked Sendable {
    /// The extent of each axis.
    public private(set) var shape: Shape
    var storage: TensorStorage<Scalar>
    /// Where this value was recorded, or nil for a constant.
    var node: TapeNode<Scalar>?

    init(shape: Shape, storage: TensorStorage<Scalar>, node: TapeNode<Scalar>? = nil) {
        assert(shape.elementCount == storage.count, "storage does not match shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// Creates a tensor of `shape` whose elements `initializer` writes (all of them).
    init(shape: Shape, initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        let storage = TensorStorage<Scalar>.allocate(count: shape.elementCount)
        try storage.withBuffer(initializer)
        self.init(shape: shape, storage: storage)
    }

    /// Creates a tensor from row-major `scalars`; their count must match `shape`.
    public init(_ scalars: [Scalar], shape: Shape, file: StaticString = #fileID, line: UInt = #line) {
        guard scalars.count == Tensor.checkedCount(of: shape, for: "Tensor(_:shape:)", file: file, line: line) else {
            fatalError("Tensor(_:shape:): \(scalars.count) scalars do not fill shape \(shape) (\(shape.elementCount) elements)",
                                file: file, line: line)
        }
        self.init(shape: shape) { buffer in _ = buffer.initialize(fromContentsOf: scalars) }
    }

    /// Creates a rank-1 tensor from `scalars`.
    public init(_ scalars: [Scalar]) { self.init(scalars, shape: [scalars.count]) }

    /// Creates a rank-0 tensor holding `scalar`.
    public init(_ scalar: Scalar) { self.init([scalar], shape: []) }

    /// Creates a tensor of `shape` with every element equal to `value`.
    public init(repeating value: Scalar, shape: Shape, file: StaticString = #fileID, line: UInt = #line) {
        self.init("Tensor(repeating:shape:)", shape: shape, file: file, line: line) { $0.initialize(repeating: value) }
    }

    /// The number of axes.
    public var rank: Int { shape.rank }

    /// The number of elements.
    public var elementCount: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Scalar] { withUnsafeBufferPointer { Array($0) } }

    /// The only element of a tensor that holds exactly one element.
    public var scalar: Scalar {
        if elementCount != 1 { fatalError("scalar: tensor of shape \(shape) holds \(elementCount) elements, not one") }
        return storage.withBuffer { $0[0] }
    }

    /// Whether this tensor is being recorded on an open tape.
    public var isRecorded: Bool { node?.tape.isRecording ?? false }

    /// The same value, no longer recorded: operations on it are not differentiated.
    public var detached: Tensor { Tensor(shape: shape, storage: storage) }

    /// The row-major offset of a multi-index, checked against the shape.
    func offset(of indices: [Int], file: StaticString, line: UInt) -> Int {
        guard indices.count == rank else {
            fatalError("subscript: \(indices.count) indices for a tensor of shape \(shape) (an element needs one per axis; x[i, .ellipsis] takes a slice)",
                       file: file, line: line)
        }
        var offset = 0
        for (axis, index) in indices.enumerated() {
            guard index >= 0 && index < shape[axis] else {
                fatalError("subscript: index \(indices) is out of bounds for shape \(shape)", file: file, line: line)
            }
            offset = offset * shape[axis] + index
        }
        return offset
    }

    /// The element at a multi-index (one index per axis).
    public subscript(indices: Int...) -> Scalar {
        get { self[indices] }
        set { self[indices] = newValue }
    }

    /// The element at a multi-index given as an array.
    public subscript(indices: [Int]) -> Scalar {
        get {
            let offset = offset(of: indices, file: #fileID, line: #line)
            return storage.withBuffer { $0[offset] }
        }
        set {
            let offset = offset(of: indices, file: #fileID, line: #line)
            withUnsafeMutableBufferPointer { $0[offset] = newValue }
        }
    }

    /// Calls `body` with the elements in row-major order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withBuffer { try body(UnsafeBufferPointer($0)) }
    }

    /// Calls `body` with writable elements, copying them first if they are shared. The tensor
    /// stops being recorded: writes are not differentiable.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        node = nil
        return try storage.withBuffer(body)
    }

    /// The same elements viewed with another shape of equal element count (no copy, not recorded).
    func viewed(as newShape: Shape) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

extension Tensor: Equatable {
    /// Exact equality of shape and every element (a recorded tensor equals its constant value).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && (lhs.storage === rhs.storage || lhs.scalars == rhs.scalars)
    }
}
