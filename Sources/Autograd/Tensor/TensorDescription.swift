import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The elements laid out as NumPy prints arrays: nested brackets, one row per line, columns
    /// aligned; tensors with more than 1000 elements show the first and last three entries of
    /// each axis around "...".
    public var description: String {
        let summarise = elementCount > 1000
        let values = scalars.map(\.doubleValue)
        let formatter = ScalarFormatter(values, integral: !(Scalar.self is any BinaryFloatingPoint.Type))
        let shown = summarise ? shownIndices() : nil
        var text = ""
        func render(axis: Int, offset: Int, indent: String) {
            if axis == rank {
                text += formatter.format(values[offset])
                return
            }
            let stride = shape.dimensions[(axis + 1)...].reduce(1, *)
            let count = shape[axis]
            let indices = shown?[axis] ?? Array(0..<count)
            text += "["
            for (position, index) in indices.enumerated() {
                if position > 0 {
                    text += axis == rank - 1 ? ", " : "," + String(repeating: "\n", count: rank - 1 - axis) + indent + " "
                }
                if index < 0 { text += "..."; continue }
                render(axis: axis + 1, offset: offset + index * stride, indent: indent + " ")
            }
            text += "]"
        }
        render(axis: 0, offset: 0, indent: "")
        return text
    }

    /// The description with the shape and scalar type.
    public var debugDescription: String { "Tensor<\(Scalar.self)>(shape: \(shape), \(description))" }

    /// Per axis, the indices to print; −1 marks the elision.
    private func shownIndices() -> [[Int]] {
        shape.dimensions.map { count in
            count <= 6 ? Array(0..<count) : [0, 1, 2, -1, count - 3, count - 2, count - 1]
        }
    }
}

/// Formats all elements of one tensor alike: the elements of an index tensor as "1", whole
/// floating-point values as "1.", small and large magnitudes in
/// scientific notation, everything else with four decimals, padded to one width.
private struct ScalarFormatter {
    let style: (Double) -> String
    let width: Int

    init(_ values: [Double], integral: Bool) {
        let finite = values.filter(\.isFinite)
        let largest = finite.map(abs).max() ?? 0
        let smallest = finite.filter { $0 != 0 }.map(abs).min() ?? 1
        let style: (Double) -> String
        if integral {
            style = { String(format: "%.0f", $0) }
        } else if finite.allSatisfy({ $0 == $0.rounded() }) && largest < 1e8 {
            style = { String(format: "%.0f.", $0) }
        } else if largest >= 1e8 || smallest < 1e-4 {
            style = { String(format: "%.4e", $0) }
        } else {
            style = { String(format: "%.4f", $0) }
        }
        self.style = style
        let formatted = values.map { $0.isFinite ? style($0) : "-inf" }
        width = formatted.map(\.count).max() ?? 0
    }

    func format(_ value: Double) -> String {
        let text = value.isFinite ? style(value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
