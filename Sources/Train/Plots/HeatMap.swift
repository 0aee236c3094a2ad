import Foundation

/// A matrix drawn as coloured cells (white for 0, dark blue for 1) with a text in each cell,
/// row and column labels, and optionally a summary row and column of texts on grey cells.
public struct HeatMap: Sendable {
    /// The title above the picture.
    public var title: String
    /// The labels of the rows (left) and of the columns (below).
    public var rowLabels: [String], columnLabels: [String]
    /// The axis titles: rows (vertical, left) and columns (below).
    public var rowTitle: String, columnTitle: String
    /// Each cell's shade in 0…1.
    public var intensities: [[Double]]
    /// Each cell's text.
    public var texts: [[String]]
    /// Texts of an extra row below the matrix (one per column, plus one for the corner). In
    /// summary cells, the last two lines are drawn green and red (% correct, % wrong).
    public var summaryRow: [String]?
    /// Texts of an extra column right of the matrix (one per row).
    public var summaryColumn: [String]?
    /// The label of the summary row and column.
    public var summaryLabel = "all"

    /// A heat map; `intensities` and `texts` have one row per row label and one entry per column label.
    public init(title: String, rowLabels: [String], columnLabels: [String], rowTitle: String, columnTitle: String,
                intensities: [[Double]], texts: [[String]]) {
        let rowsFit = intensities.count == rowLabels.count && texts.count == rowLabels.count
        let columnsFit = intensities.allSatisfy { $0.count == columnLabels.count } && texts.allSatisfy { $0.count == columnLabels.count }
        guard rowsFit, columnsFit else {
            fatalError("HeatMap: intensities and texts must have \(rowLabels.count) rows of \(columnLabels.count) entries")
        }
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.intensities = intensities
        self.texts = texts
    }

    /// The heat map as an SVG document.
    public var svg: String {
        let cell = 64.0
        let labelWidth = Double((rowLabels + [summaryLabel]).map(\.count).max() ?? 0) * 7.5 + 16
        let labelHeight = Double((columnLabels + [summaryLabel]).map(\.count).max() ?? 0) * 6 + 18
        let rows = rowLabels.count + (summaryRow == nil ? 0 : 1)
        let columns = columnLabels.count + (summaryColumn == nil ? 0 : 1)
        let left = 40 + labelWidth, top = 48.0
        let width = left + Double(columns) * cell + 20
        let height = top + Double(rows) * cell + labelHeight + 36
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(title, x: width / 2, y: 28, size: 16, anchor: "middle", bold: true)

        func drawCell(row: Int, column: Int, fill: String, text: String, textColours: [String]) {
            let x = left + Double(column) * cell, y = top + Double(row) * cell
            canvas.rect(x: x, y: y, width: cell, height: cell, fill: fill, stroke: "#ffffff")
            let lines = text.split(separator: "\n").map(String.init)
            for (index, line) in lines.enumerated() {
                let offset = (Double(index) - Double(lines.count - 1) / 2) * 14
                canvas.text(line, x: x + cell / 2, y: y + cell / 2 + 4 + offset, size: 11, anchor: "middle",
                            fill: textColours[min(index, textColours.count - 1)])
            }
        }
        /// Summary cells: the last two lines are % correct (green) and % wrong (red).
        func summaryColours(_ text: String) -> [String] {
            let count = text.split(separator: "\n").count
            return Array(repeating: "#222222", count: max(count - 2, 0)) + ["#1a7f37", "#b42318"]
        }
        for (i, row) in intensities.enumerated() {
            for (j, value) in row.enumerated() {
                let shade = min(max(value.isFinite ? value : 0, 0), 1)
                drawCell(row: i, column: j, fill: Self.colour(shade), text: texts[i][j],
                         textColours: [shade > 0.55 ? "#ffffff" : "#222222"])
            }
        }
        for (j, text) in (summaryRow ?? []).enumerated() {
            drawCell(row: rowLabels.count, column: j, fill: "#ececec", text: text, textColours: summaryColours(text))
        }
        for (i, text) in (summaryColumn ?? []).enumerated() {
            drawCell(row: i, column: columnLabels.count, fill: "#ececec", text: text, textColours: summaryColours(text))
        }
        for (i, label) in (rowLabels + (summaryRow == nil ? [] : [summaryLabel])).enumerated() {
            canvas.text(label, x: left - 8, y: top + (Double(i) + 0.5) * cell + 4, size: 12, anchor: "end")
        }
        let labelTop = top + Double(rows) * cell + 10
        for (j, label) in (columnLabels + (summaryColumn == nil ? [] : [summaryLabel])).enumerated() {
            canvas.text(label, x: left + (Double(j) + 0.5) * cell + 4, y: labelTop, size: 12, anchor: "end", rotation: -45)
        }
        canvas.text(columnTitle, x: left + Double(columns) * cell / 2, y: height - 12, size: 13, anchor: "middle")
        canvas.text(rowTitle, x: 18, y: top + Double(rows) * cell / 2, size: 13, anchor: "middle", rotation: -90)
        return canvas.document
    }

    /// Writes the SVG document to `path` atomically; throws ``OutputFileError``.
    public func write(to path: String) throws { try writeText(svg, to: path) }

    /// White (0) to dark blue (1).
    static func colour(_ shade: Double) -> String {
        let (r, g, b) = (255 - shade * (255 - 8), 255 - shade * (255 - 48), 255 - shade * (255 - 107))
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
}

extension ConfusionMatrix {
    /// The matrix as a heat map in seed 004's layout (Fig. 7.4): rows are predicted classes,
    /// columns true classes; each cell shows its count and is shaded by its share of the true
    /// class; the "all" row and column give % correct and % wrong as in ``description``.
    public func heatMap(title: String = "Confusion matrix") -> HeatMap {
        var map = HeatMap(
            title: title, rowLabels: classNames, columnLabels: classNames, rowTitle: "predicted class", columnTitle: "true class",
            intensities: counts.map { row in row.indices.map { j in Double(row[j]) / Double(max(actualCount(j), 1)) } },
            texts: counts.map { $0.map(String.init) })
        func pair(_ value: Double?) -> String {
            value.map { ConfusionMatrix.percent($0) + "\n" + ConfusionMatrix.percent(1 - $0) } ?? "–"
        }
        map.summaryRow = classNames.indices.map { pair(recall($0)) } + [pair(total == 0 ? nil : accuracy)]
        map.summaryColumn = classNames.indices.map { "\(predictedCount($0))\n" + pair(precision($0)) }
        return map
    }
}
