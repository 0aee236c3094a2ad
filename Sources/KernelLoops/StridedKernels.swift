import KernelSupport

/// `transpose`, and the broadcasts and sums that ``BroadcastKernels`` has no pattern for, as
/// walks of rows (``StridedWalk``): each row of the output is one contiguous copy, one fill or
/// one strided gather, instead of a closure call per element. Copies of at least
/// ``KernelThreads/elementwiseParallelCount`` elements split their rows across threads (each
/// output row is written by one thread, so the result does not depend on the split).
enum StridedKernels<T: VectorKernelScalar> {
    static func transpose(_ x: UnsafePointer<T>, _ source: [Int], _ permutation: [Int], _ y: UnsafeMutablePointer<T>) {
        let sourceStrides = source.strides
        gather(x, StridedWalk(dimensions: permutation.map { source[$0] }, strides: permutation.map { sourceStrides[$0] }), y)
    }

    static func broadcast(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        gather(x, StridedWalk(dimensions: target, strides: ReferenceKernels<T>.broadcastStrides(source, target)), y)
    }

    /// Sums `x` (dimensions `source`) into `y` (`target`): each row of `x` is added to a run of
    /// `y`, or summed into one element of it (with ``BroadcastKernels/sum(_:_:)``), in row order.
    static func reduceSum(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        y.update(repeating: 0, count: target.elementCount)
        let walk = StridedWalk(dimensions: source, strides: ReferenceKernels<T>.broadcastStrides(target, source))
        guard walk.elementCount > 0 else { return }
        let (length, step) = (walk.rowLength, walk.rowStride)
        walk.forEachRow(in: 0..<walk.rowCount) { dense, strided in
            let (row, out) = (x + dense, y + strided)
            if step == 0 {
                out[0] += BroadcastKernels<T>.sum(row, length)
            } else {
                for j in 0..<length { out[j * step] += row[j] }
            }
        }
    }

    /// Fills `y` (dense, the walk's dimensions) from `x` through the walk's strides.
    static func gather(_ x: UnsafePointer<T>, _ walk: StridedWalk, _ y: UnsafeMutablePointer<T>) {
        let count = walk.elementCount
        guard count > 0 else { return }
        let threads = count >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return gatherRows(x, walk, 0..<walk.rowCount, y) }
        let pointers = Unchecked((x, y))
        WorkerPool.shared.runChunks(of: walk.rowCount, threads: threads) { rows in
            gatherRows(pointers.value.0, walk, rows, pointers.value.1)
        }
    }

    /// The rows `rows` of ``gather(_:_:_:)``.
    static func gatherRows(_ x: UnsafePointer<T>, _ walk: StridedWalk, _ rows: Range<Int>, _ y: UnsafeMutablePointer<T>) {
        let (length, step) = (walk.rowLength, walk.rowStride)
        walk.forEachRow(in: rows) { dense, strided in
            let (row, out) = (x + strided, y + dense)
            switch step {
            case 0: out.update(repeating: row[0], count: length)
            case 1: ElementCopy.copy(length, from: row, to: out)
            default: for j in 0..<length { out[j] = row[j * step] }
            }
        }
    }
}
