/// The extent of a tensor along each of its axes, outermost first (row-major).
///
/// A rank-0 shape (`[]`) describes a scalar. `Shape` is a thin value wrapper around an
/// array of dimensions that adds the arithmetic tensors need: element counts, strides,
/// axis normalisation and NumPy broadcasting.
public struct Shape: Hashable, Sendable, RandomAccessCollection, MutableCollection,
    ExpressibleByArrayLiteral, CustomStringConvertible
{
    /// The dimensions, outermost first.
    public var dimensions: [Int]

    /// Creates a shape from its dimensions; every dimension must be non-negative.
    public init(_ dimensions: [Int]) {
        if dimensions.contains(where: { $0 < 0 }) { fatalError("Shape: negative dimension in \(dimensions)") }
        self.dimensions = dimensions
    }

    /// Creates a shape from a literal such as `[2, 3]`.
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The number of axes.
    public var rank: Int { dimensions.count }

    /// The number of elements a tensor of this shape holds (1 for a scalar); stops when the
    /// product overflows `Int` (the creators of tensors check this first, at their caller).
    public var elementCount: Int {
        guard let count = exactElementCount else { fatalError("Shape \(self): the number of elements overflows Int") }
        return count
    }

    /// Row-major strides in elements: the distance between neighbours along each axis.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: rank)
        var step = 1
        for axis in (0..<rank).reversed() {
            result[axis] = step
            step *= dimensions[axis]
        }
        return result
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { dimensions.count }

    /// The dimension of `axis`.
    public subscript(axis: Int) -> Int {
        get { dimensions[axis] }
        set { dimensions[axis] = newValue }
    }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

    /// Maps a possibly negative axis (−1 is the last) into `0..<rank`, or stops with a message
    /// that names `operation` and the caller's location.
    public func normalizedAxis(
        _ axis: Int, operation: String, file: StaticString = #fileID, line: UInt = #line
    ) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            fatalError("\(operation): axis \(axis) is out of range for shape \(self)",
                                file: file, line: line)
        }
        return normalized
    }

    /// The shape two operands broadcast to under NumPy rules (align trailing axes; a dimension
    /// of 1 stretches), or nil when they are incompatible.
    public static func broadcast(_ lhs: Shape, _ rhs: Shape) -> Shape? {
        let rank = Swift.max(lhs.rank, rhs.rank)
        var result = [Int](repeating: 1, count: rank)
        for offset in 0..<rank {
            let l = offset < lhs.rank ? lhs[lhs.rank - 1 - offset] : 1
            let r = offset < rhs.rank ? rhs[rhs.rank - 1 - offset] : 1
            guard l == r || l == 1 || r == 1 else { return nil }
            result[rank - 1 - offset] = l == 1 ? r : l
        }
        return Shape(result)
    }

    /// Whether a tensor of this shape can be broadcast to `target` (NumPy rules, one direction).
    public func isBroadcastable(to target: Shape) -> Bool {
        guard rank <= target.rank else { return false }
        for offset in 0..<rank {
            let own = self[rank - 1 - offset]
            if own != 1 && own != target[target.rank - 1 - offset] { return false }
        }
        return true
    }
}
