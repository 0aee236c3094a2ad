// Subscripts in NumPy's and PyTorch's style: `x[0, .all]`, `x[.all, 1..<3]`, `x[.ellipsis, -1]`,
// `x[stride(from: 0, to: 8, by: 2)]`, `x[.newAxis]`. A subscript is one strided slice (the `slice`
// primitive, so it is differentiable in both modes) followed by a reshape that drops the axes
// taken by a single index and inserts the new ones.

/// One entry of a tensor subscript: an index (the axis is dropped), a range or a stride (the
/// axis is kept), every element of an axis (`.all`), every remaining axis (`.ellipsis`) or a new
/// axis of size 1 (`.newAxis`).
public struct TensorIndex: Sendable {
    enum Kind: Sendable {
        case index(Int)
        case range(start: Int?, end: Int?, step: Int)
        case all, ellipsis, newAxis

        /// Whether the entry stands for one axis of the tensor (an index, a range or `.all`).
        var namesAxis: Bool {
            switch self {
            case .index, .range, .all: true
            case .ellipsis, .newAxis: false
            }
        }
    }

    /// The exclusive end of a range through `upper` (nil: to the end of the axis, for −1).
    static func end(through upper: Int) -> Int? { upper == -1 ? nil : upper + 1 }

    let kind: Kind
}

/// A value that can stand in a tensor subscript: `Int`, the ranges of `Int` (`a..<b`, `a...b`,
/// `a...`, `..<b`, `...b`), `stride(from:to:by:)` and ``TensorIndex``'s `.all`, `.ellipsis` and
/// `.newAxis`. Negative indices and bounds count from the end of the axis.
public protocol TensorIndexExpression {
    /// The subscript entry this value stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexExpression {
    /// This entry itself.
    public var tensorIndex: TensorIndex { self }
}

extension TensorIndexExpression where Self == TensorIndex {
    /// Every element of one axis (NumPy's `:`).
    public static var all: TensorIndex { TensorIndex(kind: .all) }
    /// Every axis not named by the other entries (NumPy's `...`).
    public static var ellipsis: TensorIndex { TensorIndex(kind: .ellipsis) }
    /// A new axis of size 1 (NumPy's `None`).
    public static var newAxis: TensorIndex { TensorIndex(kind: .newAxis) }
}

extension Int: TensorIndexExpression {
    /// One position: the axis is dropped.
    public var tensorIndex: TensorIndex { TensorIndex(kind: .index(self)) }
}

extension Range<Int>: TensorIndexExpression {
    /// The positions from the lower bound up to (not including) the upper bound.
    public var tensorIndex: TensorIndex { TensorIndex(kind: .range(start: lowerBound, end: upperBound, step: 1)) }
}

extension ClosedRange<Int>: TensorIndexExpression {
    /// The positions from the lower bound through the upper bound.
    public var tensorIndex: TensorIndex {
        TensorIndex(kind: .range(start: lowerBound, end: TensorIndex.end(through: upperBound), step: 1))
    }
}

extension PartialRangeFrom<Int>: TensorIndexExpression {
    /// The positions from the lower bound to the end of the axis.
    public var tensorIndex: TensorIndex { TensorIndex(kind: .range(start: lowerBound, end: nil, step: 1)) }
}

extension PartialRangeUpTo<Int>: TensorIndexExpression {
    /// The positions from the start of the axis up to (not including) the upper bound.
    public var tensorIndex: TensorIndex { TensorIndex(kind: .range(start: nil, end: upperBound, step: 1)) }
}

extension PartialRangeThrough<Int>: TensorIndexExpression {
    /// The positions from the start of the axis through the upper bound.
    public var tensorIndex: TensorIndex {
        TensorIndex(kind: .range(start: nil, end: TensorIndex.end(through: upperBound), step: 1))
    }
}

extension StrideTo<Int>: TensorIndexExpression {
    /// The positions of the stride, which must count upwards from a position of the axis.
    public var tensorIndex: TensorIndex {
        let positions = Array(self)
        guard let first = positions.first, let last = positions.last else {
            return TensorIndex(kind: .range(start: 0, end: 0, step: 1))
        }
        let step = positions.count > 1 ? positions[1] - first : 1
        return TensorIndex(kind: .range(start: first, end: step > 0 ? last + 1 : last - 1, step: step))
    }
}

extension Tensor where Scalar: TensorScalar {
    /// The part of this tensor that `indices` select, as NumPy's and PyTorch's basic indexing:
    /// an `Int` takes one position and drops its axis, a range or stride keeps its axis, `.all`
    /// keeps an axis whole, `.ellipsis` stands for every axis the other entries leave out (and
    /// axes after the last entry are whole), `.newAxis` inserts an axis of size 1. Indices outside
    /// an axis stop naming the subscript, the shape and the caller (ranges are not clipped).
    /// Differentiable: a strided `slice` and a reshape. An index for every axis and nothing else
    /// (`x[1, 2]`) reads the element instead, as a scalar.
    public subscript(_ indices: any TensorIndexExpression..., file file: StaticString = #fileID,
                     line line: UInt = #line) -> Tensor {
        let entries = indices.map(\.tensorIndex.kind)
        let named = entries.filter(\.namesAxis).count
        let ellipses = entries.filter { if case .ellipsis = $0 { true } else { false } }.count
        guard ellipses <= 1, named <= rank else {
            fatalError("subscript: \(ellipses > 1 ? "more than one ellipsis" : "\(named) axes named") in a subscript of shape \(shape)",
                       file: file, line: line)
        }
        var expanded = [TensorIndex.Kind]()
        for entry in entries {
            if case .ellipsis = entry { expanded += Array(repeating: .all, count: rank - named) } else { expanded.append(entry) }
        }
        var window = wholeWindow
        var resultShape = [Int]()
        var axis = 0
        for entry in expanded {
            switch entry {
            case .newAxis:
                resultShape.append(1)
                continue
            case .index(let index):
                let position = index < 0 ? index + shape[axis] : index
                guard position >= 0, position < shape[axis] else {
                    fatalError("subscript: index \(index) is outside axis \(axis) of shape \(shape) (0..<\(shape[axis]), or negative from the end)",
                               file: file, line: line)
                }
                (window.starts[axis], window.extents[axis]) = (position, 1)
            case .range(let start, let end, let step):
                (window.starts[axis], window.extents[axis], window.steps[axis]) =
                    sliceBounds(axis, start ?? 0, end ?? shape[axis], step, "subscript", file: file, line: line)
                resultShape.append(window.extents[axis])
            case .all:
                resultShape.append(shape[axis])
            case .ellipsis:
                preconditionFailure("an ellipsis is expanded above")
            }
            axis += 1
        }
        resultShape += shape.dimensions[axis...]
        return sliced(window).reshaped(to: Shape(resultShape), file: file, line: line)
    }
}
