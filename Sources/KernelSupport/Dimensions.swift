/// The arithmetic kernels need on the dimensions of a row-major array, outermost first.
extension Array where Element == Int {
    /// The number of elements an array of these dimensions holds (1 for none: a scalar).
    package var elementCount: Int { reduce(1, *) }

    /// Row-major strides in elements: the distance between neighbours along each axis.
    package var strides: [Int] {
        var result = [Int](repeating: 1, count: count)
        var step = 1
        for axis in indices.reversed() {
            result[axis] = step
            step *= self[axis]
        }
        return result
    }

    /// Calls `body` with an offset for every multi-index of these dimensions, in row-major
    /// order: `start` plus, along each axis, the index times that axis' entry of `strides`
    /// (nothing for an empty array; once, with `start`, for a scalar).
    @inline(__always)
    package func forEachOffset(strides: [Int], from start: Int = 0, _ body: (Int) -> Void) {
        forEachOffset(strides: strides, from: start, positions: 0..<elementCount, body)
    }

    /// As ``forEachOffset(strides:from:_:)``, for the multi-indices at `positions` (numbered in
    /// row-major order, within `0..<elementCount`) only: a thread's share of the walk.
    @inline(__always)
    package func forEachOffset(strides: [Int], from start: Int = 0, positions: Range<Int>, _ body: (Int) -> Void) {
        guard !positions.isEmpty else { return }
        var index = [Int](repeating: 0, count: count)
        var offset = start, remainder = positions.lowerBound
        for axis in indices.reversed() {
            index[axis] = remainder % self[axis]
            remainder /= self[axis]
            offset += index[axis] * strides[axis]
        }
        for _ in positions {
            body(offset)
            var axis = count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < self[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
