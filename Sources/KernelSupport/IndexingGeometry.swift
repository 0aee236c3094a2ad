/// A strided window of a row-major array of `dimensions`: along each axis, the positions
/// `starts[axis] + i · steps[axis]` for i in `0..<extents[axis]` (steps positive, every position
/// inside the array). Slicing reads a window; padding writes one.
package struct StridedWindow: Hashable, Sendable {
    package var dimensions: [Int]
    package var starts: [Int], steps: [Int], extents: [Int]

    package init(dimensions: [Int], starts: [Int], steps: [Int], extents: [Int]) {
        (self.dimensions, self.starts, self.steps, self.extents) = (dimensions, starts, steps, extents)
    }

    /// The offset of the window's first element in the array.
    package var origin: Int { zip(starts, dimensions.strides).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The array's stride between neighbours of the window along each axis.
    package var windowStrides: [Int] { zip(steps, dimensions.strides).map { $0 * $1 } }
}

/// Where the slices of a batch of matrix products start: slice i multiplies the matrices at
/// `a + aOffsets[i]` and `b + bOffsets[i]` into `c + i · cStride` (offsets in elements; the
/// operands' other sizes are those of the ``GemmOperands`` it comes with). Broadcast operands
/// repeat an offset.
package struct GemmBatch: Sendable {
    package var aOffsets: [Int], bOffsets: [Int]
    package var cStride: Int

    package init(aOffsets: [Int], bOffsets: [Int], cStride: Int) {
        precondition(aOffsets.count == bOffsets.count, "GemmBatch: \(aOffsets.count) A offsets for \(bOffsets.count) B offsets")
        (self.aOffsets, self.bOffsets, self.cStride) = (aOffsets, bOffsets, cStride)
    }

    /// The number of products.
    package var count: Int { aOffsets.count }
}
