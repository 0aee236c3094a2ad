/// A line chart rendered as SVG: one or more series of (x, y) points on linear or logarithmic
/// axes, with ticks, grid lines, axis labels, a title and a legend.
///
/// ```swift
/// var chart = LineChart(title: "Cost", xLabel: "iteration", yLabel: "cost", yScale: .logarithmic)
/// chart.add("training", points: costs.enumerated().map { (Double($0) + 1, $1) })
/// try chart.write(to: "cost.svg")
/// ```
/// Points that an axis cannot show (NaN, infinities, and values ≤ 0 on a logarithmic axis)
/// break the line.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The points, in drawing order.
        public var points: [Point]
        /// Whether the line is dashed (validation curves are, next to solid training curves).
        public var dashed: Bool
        /// The colour (an SVG colour such as "#1f77b4"); nil takes the next one of ``palette``.
        public var colour: String?
    }

    /// A point of a series.
    public struct Point: Hashable, Sendable {
        /// The coordinates.
        public var x: Double, y: Double

        /// A point.
        public init(x: Double, y: Double) { (self.x, self.y) = (x, y) }
    }

    /// The title above the chart.
    public var title: String
    /// The label of the horizontal axis.
    public var xLabel: String
    /// The label of the vertical axis.
    public var yLabel: String
    /// The horizontal scale.
    public var xScale: AxisScale
    /// The vertical scale.
    public var yScale: AxisScale
    /// The lines, drawn in order with the colours of ``palette``.
    public var series: [Series] = []
    /// The size of the picture in pixels.
    public var width = 720.0, height = 440.0

    /// Line colours, one per series in turn (matplotlib's "tab10").
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// An empty chart.
    public init(title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear, yScale: AxisScale = .linear) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
    }

    /// Adds a series; without a colour it takes the next one of ``palette``.
    public mutating func add(_ name: String, points: [(x: Double, y: Double)], dashed: Bool = false, colour: String? = nil) {
        series.append(Series(name: name, points: points.map { Point(x: $0.x, y: $0.y) }, dashed: dashed, colour: colour))
    }

    /// The colour of series `index`: its own, or the palette's in turn.
    private func colour(_ index: Int) -> String { series[index].colour ?? Self.palette[index % Self.palette.count] }

    /// The chart as an SVG document.
    public var svg: String {
        let allPoints = series.flatMap(\.points)
        let xAxis = Axis(scale: xScale, covering: allPoints.map(\.x))
        let yAxis = Axis(scale: yScale, covering: allPoints.map(\.y))
        let plot = (left: 78.0, top: 44.0, right: width - 24, bottom: height - 58)
        func x(_ value: Double) -> Double { plot.left + xAxis.fraction(value) * (plot.right - plot.left) }
        func y(_ value: Double) -> Double { plot.bottom - yAxis.fraction(value) * (plot.bottom - plot.top) }

        var canvas = SVGCanvas(width: width, height: height)
        canvas.defineClip(id: "plot-area", x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top)
        canvas.text(title, x: width / 2, y: 26, size: 16, anchor: "middle", bold: true)
        for value in yAxis.minorTicks where value > yAxis.lower && value < yAxis.upper {
            canvas.line(plot.left, y(value), plot.right, y(value), stroke: "#f0f0f0")
            canvas.line(plot.left - 3, y(value), plot.left, y(value), stroke: "#444444")
        }
        for value in yAxis.labelledMinorTicks {
            canvas.text(yAxis.label(value), x: plot.left - 9, y: y(value) + 4, size: 11, anchor: "end", fill: "#666666")
        }
        for value in xAxis.minorTicks where value > xAxis.lower && value < xAxis.upper {
            canvas.line(x(value), plot.top, x(value), plot.bottom, stroke: "#f0f0f0")
            canvas.line(x(value), plot.bottom, x(value), plot.bottom + 3, stroke: "#444444")
        }
        for value in yAxis.ticks {
            canvas.line(plot.left, y(value), plot.right, y(value), stroke: "#dddddd")
            canvas.line(plot.left - 6, y(value), plot.left, y(value), stroke: "#444444")
            canvas.text(yAxis.label(value), x: plot.left - 9, y: y(value) + 4, size: 11, anchor: "end")
        }
        for value in xAxis.ticks {
            canvas.line(x(value), plot.top, x(value), plot.bottom, stroke: "#dddddd")
            canvas.line(x(value), plot.bottom, x(value), plot.bottom + 6, stroke: "#444444")
            canvas.text(xAxis.label(value), x: x(value), y: plot.bottom + 20, size: 11, anchor: "middle")
        }
        canvas.rect(x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top,
                    fill: "none", stroke: "#444444")
        canvas.text(xLabel, x: (plot.left + plot.right) / 2, y: height - 16, size: 13, anchor: "middle")
        canvas.text(yLabel, x: 20, y: (plot.top + plot.bottom) / 2, size: 13, anchor: "middle", rotation: -90)

        for (index, line) in series.enumerated() {
            let colour = colour(index)
            for segment in segments(of: line.points, xAxis: xAxis, yAxis: yAxis) {
                let drawn = segment.map { (x($0.x), y($0.y)) }
                canvas.polyline(drawn, stroke: colour, width: 2, dashed: line.dashed, clip: "plot-area")
                if line.points.count <= 60 || segment.count == 1 {
                    for point in drawn { canvas.circle(x: point.0, y: point.1, radius: 2.5, fill: colour) }
                }
            }
        }
        drawLegend(on: &canvas, right: plot.right, top: plot.top)
        return canvas.document
    }

    /// Runs of consecutive points that both axes can show.
    private func segments(of points: [Point], xAxis: Axis, yAxis: Axis) -> [[Point]] {
        var result: [[Point]] = [[]]
        for point in points {
            if xAxis.shows(point.x) && yAxis.shows(point.y) {
                result[result.count - 1].append(point)
            } else if !result[result.count - 1].isEmpty {
                result.append([])
            }
        }
        return result.filter { !$0.isEmpty }
    }

    /// The legend box in the top-right corner of the plot area.
    private func drawLegend(on canvas: inout SVGCanvas, right: Double, top: Double) {
        guard !series.isEmpty else { return }
        let boxWidth = Double(series.map(\.name.count).max()!) * 7.2 + 48
        let boxHeight = Double(series.count) * 20 + 8
        let left = right - boxWidth - 8
        canvas.rect(x: left, y: top + 8, width: boxWidth, height: boxHeight, fill: "white", stroke: "#bbbbbb")
        for (index, line) in series.enumerated() {
            let rowY = top + 8 + 14 + Double(index) * 20
            let colour = colour(index)
            canvas.line(left + 8, rowY - 4, left + 32, rowY - 4, stroke: colour, width: 2, dashed: line.dashed)
            canvas.text(line.name, x: left + 38, y: rowY, size: 12)
        }
    }

    /// Writes the SVG document to `path` atomically; throws ``OutputFileError``.
    public func write(to path: String) throws { try writeText(svg, to: path) }
}
