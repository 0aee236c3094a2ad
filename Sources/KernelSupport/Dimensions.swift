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
}
