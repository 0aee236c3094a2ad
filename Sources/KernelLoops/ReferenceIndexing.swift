import KernelSupport

/// Plain loops for the kernels of the general tensor API: selection, extremes, gather and
/// scatter-add, slicing and embedding, concatenation and batched products.
extension ReferenceKernels {
    static func select(_ mask: UnsafePointer<T>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                       _ y: UnsafeMutablePointer<T>, _ count: Int) {
        for i in 0..<count { y[i] = mask[i] != 0 ? a[i] : b[i] }
    }

    static func extremum(_ x: UnsafePointer<T>, _ layout: AxisLayout, _ maximum: Bool,
                         _ y: UnsafeMutablePointer<T>, _ routes: UnsafeMutablePointer<Int>) {
        for outer in 0..<layout.outer {
            for position in 0..<layout.inner {
                let offsets = (0..<layout.size).map { (outer * layout.size + $0) * layout.inner + position }
                let values = offsets.map { x[$0] }
                let winner = values.firstIndex(where: \.isNaN)
                    ?? values.firstIndex(of: maximum ? values.max()! : values.min()!)!
                y[outer * layout.inner + position] = values[winner]
                routes[outer * layout.inner + position] = offsets[winner]
            }
        }
    }

    static func gather(_ x: UnsafePointer<T>, _ routes: UnsafePointer<Int>, _ count: Int, _ blockSize: Int,
                       _ y: UnsafeMutablePointer<T>) {
        for i in 0..<count * blockSize { y[i] = x[routes[i / blockSize] * blockSize + i % blockSize] }
    }

    static func scatterAdd(_ x: UnsafePointer<T>, _ routes: UnsafePointer<Int>, _ count: Int, _ blockSize: Int,
                           _ y: UnsafeMutablePointer<T>, _ outputCount: Int) {
        for i in 0..<outputCount { y[i] = 0 }
        for i in 0..<count * blockSize { y[routes[i / blockSize] * blockSize + i % blockSize] += x[i] }
    }

    /// The offset in the array of each element of `window`, in the window's row-major order.
    static func offsets(of window: StridedWindow) -> [Int] {
        let strides = window.dimensions.strides
        return (0..<window.extents.elementCount).map { position in
            var (remainder, offset) = (position, 0)
            for axis in window.extents.indices.reversed() {
                let index = remainder % window.extents[axis]
                remainder /= window.extents[axis]
                offset += (window.starts[axis] + index * window.steps[axis]) * strides[axis]
            }
            return offset
        }
    }

    static func slice(_ x: UnsafePointer<T>, _ window: StridedWindow, _ y: UnsafeMutablePointer<T>) {
        for (position, offset) in offsets(of: window).enumerated() { y[position] = x[offset] }
    }

    static func embed(_ x: UnsafePointer<T>, _ window: StridedWindow, _ fill: T, _ y: UnsafeMutablePointer<T>) {
        for i in 0..<window.dimensions.elementCount { y[i] = fill }
        for (position, offset) in offsets(of: window).enumerated() { y[offset] = x[position] }
    }

    static func concatenate(_ inputs: UnsafePointer<UnsafeRawPointer>, _ sizes: [Int], _ outer: Int, _ inner: Int,
                            _ y: UnsafeMutablePointer<T>) {
        let total = sizes.reduce(0, +)
        var start = 0
        for (k, size) in sizes.enumerated() {
            let input = inputs[k].assumingMemoryBound(to: T.self)
            for row in 0..<outer {
                for i in 0..<size * inner { y[(row * total + start) * inner + i] = input[row * size * inner + i] }
            }
            start += size
        }
    }

    static func batchedGemm(_ operands: GemmOperands<T>, _ batch: GemmBatch) {
        for i in 0..<batch.count {
            var product = operands
            product.a += batch.aOffsets[i]
            product.b += batch.bOffsets[i]
            product.c += i * batch.cStride
            gemm(product)
        }
    }
}
