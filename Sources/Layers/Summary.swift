import Autograd

extension Module {
    /// A table of every layer with its output shape and parameter count, and the totals, for
    /// one input of `inputShape` (without the batch axis: `[32, 32, 3]` for a CIFAR-10 image).
    /// Containers are opened: each row is a layer under its dotted name. The totals line counts
    /// the parameters by role (weights and biases always, scales and shifts when there are any).
    public func summary(inputShape: Shape, file: StaticString = #fileID, line: UInt = #line) -> String {
        let batchShape = Shape([1] + inputShape.dimensions)
        _ = checkedOutputShape(forInputShape: batchShape, file: file, line: line)
        var rows = [["Layer", "Type", "Output shape", "Parameters"], ["input", "", shapeText(batchShape), "0"]]
        var counts: [ParameterRole: Int] = [:]
        appendSummaryRows(of: self, name: "", inputShape: batchShape, to: &rows, counts: &counts)

        let widths = (0..<4).map { column in rows.map { $0[column].count }.max()! }
        let rule = String(repeating: "─", count: widths.reduce(0, +) + 3 * 2)
        let lines = rows.map { row in
            (0..<4).map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column == 3 ? padding + row[column] : row[column] + padding
            }.joined(separator: "  ")
        }
        let byRole = ParameterRole.allCases.filter { [.weight, .bias].contains($0) || counts[$0] != nil }
            .map { "\(groupedDigits(counts[$0, default: 0])) \($0.pluralName)" }
        let total = "Total: \(groupedDigits(counts.values.reduce(0, +))) parameters (\(byRole.joined(separator: ", ")))"
        return ([lines[0], rule] + lines.dropFirst() + [rule, total]).joined(separator: "\n")
    }
}

/// Appends a row per layer of `module` (recursing into its sublayers) and returns its output shape.
@discardableResult
private func appendSummaryRows<M: Module>(
    of module: M, name: String, inputShape: Shape, to rows: inout [[String]], counts: inout [ParameterRole: Int]
) -> Shape {
    let parts = module.sublayers
    guard parts.isEmpty else {
        var shape = inputShape
        for (part, child) in parts {
            shape = appendSummaryRows(of: child, name: name.isEmpty ? part : name + "." + part,
                                      inputShape: shape, to: &rows, counts: &counts)
        }
        return shape
    }
    let output = module.checkedOutputShape(forInputShape: inputShape)
    let parameters = module.parameters
    for parameter in parameters { counts[parameter.role, default: 0] += parameter.value.elementCount }
    let count = parameters.reduce(0) { $0 + $1.value.elementCount }
    rows.append([name, module.layerDescription, shapeText(output), groupedDigits(count)])
    return output
}

extension ParameterRole {
    /// "weights", "biases", "scales", "shifts" or "embeddings", for the summary's total.
    fileprivate var pluralName: String { self == .bias ? "biases" : rawValue + "s" }
}

/// The shape of one example (the batch axis dropped), as "32 × 32 × 3".
private func shapeText(_ shape: Shape) -> String {
    shape.dropFirst().map(String.init).joined(separator: " × ")
}

/// `value` with a comma between groups of three digits: 145,578.
private func groupedDigits(_ value: Int) -> String {
    var digits = String(value)
    var position = digits.count - 3
    while position > 0 {
        digits.insert(",", at: digits.index(digits.startIndex, offsetBy: position))
        position -= 3
    }
    return digits
}
