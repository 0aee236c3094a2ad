import KernelSupport

/// Kernels that move elements by index: gather and its adjoint scatter-add (blocks of
/// elements at listed positions), slicing and its adjoint, embedding into a filled array (a
/// strided window), and concatenation. Contiguous runs are copied whole.
enum IndexingKernels<T: VectorKernelScalar> {
    /// Block i of `y` is block `routes[i]` of `x`; large gathers split the blocks across threads.
    static func gather(_ x: UnsafePointer<T>, _ routes: UnsafePointer<Int>, _ count: Int, _ blockSize: Int,
                       _ y: UnsafeMutablePointer<T>) {
        let threads = count * blockSize >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
        guard threads > 1 else { return gather(x, routes, blockSize, y, blocks: 0..<count) }
        let pointers = Unchecked((x, routes, y))
        WorkerPool.shared.runChunks(of: count, threads: threads) { blocks in
            let (x, routes, y) = pointers.value
            gather(x, routes, blockSize, y, blocks: blocks)
        }
    }

    /// The blocks `blocks` of a gather.
    static func gather(_ x: UnsafePointer<T>, _ routes: UnsafePointer<Int>, _ blockSize: Int, _ y: UnsafeMutablePointer<T>,
                       blocks: Range<Int>) {
        if blockSize == 1 {
            for i in blocks { y[i] = x[routes[i]] }
        } else {
            for i in blocks { (y + i * blockSize).update(from: x + routes[i] * blockSize, count: blockSize) }
        }
    }

    /// `y` (`outputCount` elements) = 0, then block i of `x` added to block `routes[i]`, in
    /// order (on one thread: blocks may share a route).
    static func scatterAdd(_ x: UnsafePointer<T>, _ routes: UnsafePointer<Int>, _ count: Int, _ blockSize: Int,
                           _ y: UnsafeMutablePointer<T>, _ outputCount: Int) {
        y.update(repeating: 0, count: outputCount)
        for i in 0..<count {
            let (source, target) = (x + i * blockSize, y + routes[i] * blockSize)
            for j in 0..<blockSize { target[j] += source[j] }
        }
    }

    /// `y` = the elements of `x` in `window`, row by row.
    static func slice(_ x: UnsafePointer<T>, _ window: StridedWindow, _ y: UnsafeMutablePointer<T>) {
        forEachRow(of: window) { offset, position, length, step in
            if step == 1 {
                (y + position).update(from: x + offset, count: length)
            } else {
                for j in 0..<length { y[position + j] = x[offset + j * step] }
            }
        }
    }

    /// `y` = `fill` everywhere, then the elements of `x` in `window`.
    static func embed(_ x: UnsafePointer<T>, _ window: StridedWindow, _ fill: T, _ y: UnsafeMutablePointer<T>) {
        y.update(repeating: fill, count: window.dimensions.elementCount)
        forEachRow(of: window) { offset, position, length, step in
            if step == 1 {
                (y + offset).update(from: x + position, count: length)
            } else {
                for j in 0..<length { y[offset + j * step] = x[position + j] }
            }
        }
    }

    /// Calls `body(offset, position, length, step)` for each row of the window (its last axis)
    /// in row-major order: the row's first element is at `offset` in the array and at `position`
    /// in the window's own row-major order; it has `length` elements, `step` apart in the array.
    static func forEachRow(of window: StridedWindow, _ body: (Int, Int, Int, Int) -> Void) {
        let extents = window.extents, rank = extents.count
        guard extents.elementCount > 0 else { return }
        guard rank > 0 else { return body(window.origin, 0, 1, 1) }
        let strides = window.windowStrides
        let (length, step) = (extents[rank - 1], strides[rank - 1])
        var row = 0
        Array(extents.dropLast()).forEachOffset(strides: Array(strides.dropLast()), from: window.origin) { offset in
            body(offset, row * length, length, step)
            row += 1
        }
    }

    /// The inputs side by side along the middle axis: for each outer row, each input's block
    /// of `sizes[k] · inner` elements in turn.
    static func concatenate(_ inputs: UnsafePointer<UnsafeRawPointer>, _ sizes: [Int], _ outer: Int, _ inner: Int,
                            _ y: UnsafeMutablePointer<T>) {
        let rowLength = sizes.reduce(0, +) * inner
        for row in 0..<outer {
            var target = y + row * rowLength
            for (k, size) in sizes.enumerated() {
                let length = size * inner
                target.update(from: inputs[k].assumingMemoryBound(to: T.self) + row * length, count: length)
                target += length
            }
        }
    }
}
