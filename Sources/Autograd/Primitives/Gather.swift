import KernelSupport

// Gathering blocks of elements at listed positions, and its adjoint, scatter-add. With the
// positions ("routes") fixed, gather is the linear y = G x and scatter-add the adjoint x̄ = Gᵀ ȳ,
// so each is the other's pullback and pushforward, to any order. The routes come from an index
// tensor (take, gather along an axis, an embedding lookup) or from the forward rule of a max or
// min reduction, which chooses its winners anew on each run (also in a compiled function).

/// Where each block of a gather comes from: `count` block positions (in blocks of `blockSize`
/// elements) into a source of `sourceShape`.
final class Routes: @unchecked Sendable {
    let count: Int
    let blockSize: Int
    let sourceShape: Shape
    let offsets: UnsafeMutablePointer<Int>

    /// Routes to be written (by a reduction's forward rule, before any read).
    init(count: Int, blockSize: Int, sourceShape: Shape) {
        (self.count, self.blockSize, self.sourceShape) = (count, blockSize, sourceShape)
        offsets = .allocate(capacity: Swift.max(count, 1))
    }

    /// Routes given as block positions.
    convenience init(_ positions: [Int], blockSize: Int, sourceShape: Shape) {
        self.init(count: positions.count, blockSize: blockSize, sourceShape: sourceShape)
        offsets.initialize(from: positions, count: positions.count)
    }

    deinit { offsets.deallocate() }
}

extension Tensor where Scalar: TensorScalar {
    /// y = G x: block i of the result (of `shape`) is block `routes.offsets[i]` of this tensor.
    @_specialize(where Scalar == Float)
    func gathered(along routes: Routes, shape: Shape) -> Tensor {
        let kernel = Scalar.kernels.gather
        let forward: Forward<Scalar> = { inputs, output in
            kernel(inputs.first, routes.offsets, routes.count, routes.blockSize, output)
        }
        return .applying(.gather, forward, to: self, shape: shape) {
            .linear({ $0.gathered(along: routes, shape: shape) }, adjoint: { $0.scattered(along: routes) })
        }
    }

    /// x̄ = Gᵀ ȳ: zeros of the routes' source shape, each block of this tensor added at its
    /// route (repeated routes add up).
    @_specialize(where Scalar == Float)
    func scattered(along routes: Routes) -> Tensor {
        let (kernel, shape, outputCount) = (Scalar.kernels.scatterAdd, shape, routes.sourceShape.elementCount)
        let forward: Forward<Scalar> = { inputs, output in
            kernel(inputs.first, routes.offsets, routes.count, routes.blockSize, output, outputCount)
        }
        return .applying(.scatterAdd, forward, to: self, shape: routes.sourceShape) {
            .linear({ $0.scattered(along: routes) }, adjoint: { $0.gathered(along: routes, shape: shape) })
        }
    }

    /// The entries at `indices` along `axis`, as NumPy's `take` (PyTorch's `index_select` for
    /// indices of rank 1): the result's shape is this shape with `axis` replaced by the indices'
    /// shape. Every index must be in `0..<shape[axis]`. Pullback: ȳ added back at the indices
    /// (repeated indices add up); pushforward: ẋ taken alike.
    @_specialize(where Scalar == Float)
    public func taking(_ indices: Tensor<Int32>, alongAxis axis: Int, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        taking(indices, alongAxis: axis, operation: "take", file: file, line: line)
    }

    /// ``taking(_:alongAxis:file:line:)`` for `operation`, which error messages name.
    func taking(_ indices: Tensor<Int32>, alongAxis axis: Int, operation: String, file: StaticString, line: UInt) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: operation, file: file, line: line)
        let layout = AxisLayout(shape.dimensions, axis: axis)
        let positions = indices.checkedIndices(below: layout.size, operation, file: file, line: line)
        let routes = Routes((0..<layout.outer).flatMap { outer in positions.map { outer * layout.size + $0 } },
                            blockSize: layout.inner, sourceShape: shape)
        let result = Shape(Array(shape[..<axis]) + indices.shape.dimensions + Array(shape[(axis + 1)...]))
        return gathered(along: routes, shape: result)
    }

    /// The entries at `indices` along `axis`, element by element, as NumPy's
    /// `take_along_axis` and PyTorch's `gather`: `indices` has this tensor's rank and shape
    /// except along `axis`, and result[…, j, …] = self[…, indices[…, j, …], …].
    /// Pullback: ȳ added back at the indices (repeated indices add up); pushforward alike.
    @_specialize(where Scalar == Float)
    public func gathering(alongAxis axis: Int, indices: Tensor<Int32>, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: "gather", file: file, line: line)
        guard indices.rank == rank, shape.indices.allSatisfy({ $0 == axis || indices.shape[$0] == shape[$0] }) else {
            Tensor.shapeMismatch("gather", shape, indices.shape,
                                 "differ (the indices must have the input's shape except along axis \(axis))", file: file, line: line)
        }
        return gathered(along: elementRoutes(indices, axis: axis, "gather", file: file, line: line), shape: indices.shape)
    }

    /// This tensor plus `source` added at `indices` along `axis`, as PyTorch's `scatter_add`:
    /// self[…, indices[…, j, …], …] += source[…, j, …]. `indices` has `source`'s shape, which is
    /// this tensor's except along `axis`. The adjoint of ``gathering(alongAxis:indices:file:line:)``.
    /// Pullback: (ȳ, ȳ gathered at the indices); pushforward: ẋ + ṡ scattered.
    @_specialize(where Scalar == Float)
    public func scatteringAdd(_ source: Tensor, alongAxis axis: Int, indices: Tensor<Int32>,
                              file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        let axis = shape.normalizedAxis(axis, operation: "scatterAdd", file: file, line: line)
        guard indices.shape == source.shape, source.rank == rank,
              shape.indices.allSatisfy({ $0 == axis || source.shape[$0] == shape[$0] }) else {
            Tensor.shapeMismatch("scatterAdd", shape, source.shape,
                                 "differ (the source and its indices \(indices.shape) must have this shape except along axis \(axis))",
                                 file: file, line: line)
        }
        return adding(source.scattered(along: elementRoutes(indices, axis: axis, "scatterAdd", file: file, line: line)))
    }

    /// The routes of single elements into this tensor: index tensor position p (a multi-index)
    /// takes this tensor's element at p with its `axis` coordinate replaced by `indices[p]`.
    private func elementRoutes(_ indices: Tensor<Int32>, axis: Int, _ operation: String,
                               file: StaticString, line: UInt) -> Routes {
        let positions = indices.checkedIndices(below: shape[axis], operation, file: file, line: line)
        let (size, inner) = (shape[axis], shape.dimensions[(axis + 1)...].reduce(1, *))
        let span = indices.shape[axis] * inner
        let offsets = positions.enumerated().map { position, index in
            let (outer, within) = (position / Swift.max(span, 1), position % Swift.max(span, 1))
            return (outer * size + index) * inner + within % inner
        }
        return Routes(offsets, blockSize: 1, sourceShape: shape)
    }
}

/// The rows of `table` (a matrix: one row per id) at `ids`, as PyTorch's `embedding(input,
/// weight)`: shape `ids.shape + [table.shape[1]]`. Every id must be in `0..<table.shape[0]`.
/// Pullback: each row of ȳ added to its id's row of the table's cotangent (repeated ids add up).
@_specialize(where Scalar == Float)
public func embedding<Scalar: TensorScalar>(_ ids: Tensor<Int32>, table: Tensor<Scalar>,
                                            file: StaticString = #fileID, line: UInt = #line) -> Tensor<Scalar> {
    guard table.rank == 2 else {
        Tensor<Scalar>.shapeMismatch("embedding", ids.shape, table.shape, "do not fit (the table must be a matrix: one row per id)",
                                     file: file, line: line)
    }
    return table.taking(ids, alongAxis: 0, operation: "embedding", file: file, line: line)
}
