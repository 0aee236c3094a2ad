import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Train

/// Parses `svg` with Foundation's XMLDocument; returns the document or records the parse error.
func parseSVG(_ svg: String) throws -> XMLDocument {
    let document = try XMLDocument(xmlString: svg, options: [])
    #expect(document.rootElement()?.name == "svg")
    return document
}

/// The text content of every `<text>` element.
func texts(_ document: XMLDocument) throws -> [String] {
    try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
}

@Suite("Plots")
struct PlotTests {
    /// A history of five epochs whose losses span five decades.
    static func history() -> History {
        var history = History()
        for epoch in 0..<5 {
            history.epochs.append(EpochRecord(
                epoch: epoch, learningRate: 0.05, trainingLoss: 3 * pow(10, -Double(epoch)), trainingAccuracy: 0.5 + 0.1 * Double(epoch),
                trainingTopKError: 0.2 / Double(epoch + 1), validationLoss: epoch == 2 ? nil : 4 * pow(10, -Double(epoch)),
                validationAccuracy: 0.45 + 0.1 * Double(epoch), validationTopKError: 0.25 / Double(epoch + 1), seconds: 1.5))
        }
        history.stepLosses = (0..<100).map { 2 * exp(-Double($0) / 10) }
        history.stepLosses[50] = .nan
        return history
    }

    @Test("the line chart is well-formed SVG with a title, axis labels, ticks and a legend")
    func wellFormed() throws {
        var chart = LineChart(title: "Cost <& \"quoted\">", xLabel: "epoch", yLabel: "loss")
        chart.add("training", points: [(1, 0.5), (2, 0.25), (3, 0.2)])
        chart.add("validation", points: [(1, 0.6), (2, .nan), (3, 0.3)], dashed: true)
        let document = try parseSVG(chart.svg)
        let labels = try texts(document)
        #expect(labels.contains("Cost <& \"quoted\">"), "special characters are escaped and read back")
        #expect(labels.contains("epoch") && labels.contains("loss") && labels.contains("training") && labels.contains("validation"))
        #expect(labels.contains("0.2") && labels.contains("0.6") && labels.contains("3"), "linear ticks at 0.1 steps and whole epochs")
        // The NaN breaks the validation line into two single points: three polylines in all.
        #expect(try document.nodes(forXPath: "//*[local-name()='polyline']").count == 3)
    }

    @Test("a logarithmic axis labels every decade a loss spans")
    func logarithmicAxis() throws {
        let chart = Self.history().lossChart()
        let labels = try texts(try parseSVG(chart.svg))
        // Training 3 … 3e-4, validation 4 … 4e-4: decades 10⁻⁴ … 10¹.
        for label in ["10⁻⁴", "0.001", "0.01", "0.1", "1", "10"] { #expect(labels.contains(label), "missing tick \(label)") }
        #expect(!labels.contains("10⁻⁵") && !labels.contains("100"))
        let axis = Axis(scale: .logarithmic, covering: [3e-7, 2e3, 0, -1, .nan])
        // Eleven decades: a tick every second decade, the axis rounded out to 10⁵, no minor ticks.
        #expect(axis.lower == 1e-7 && axis.upper == 1e5)
        #expect(axis.ticks == [1e-7, 1e-5, 1e-3, 1e-1, 1e1, 1e3, 1e5] && axis.minorTicks.isEmpty)
        #expect(abs(axis.fraction(1e-7)) < 1e-12 && abs(axis.fraction(1e5) - 1) < 1e-12 && abs(axis.fraction(1e-2) - 5.0 / 12) < 1e-12)
        let narrow = Axis(scale: .logarithmic, covering: [0.3, 0.9])
        #expect(narrow.ticks == [0.1, 1] && narrow.minorTicks.count == 8, "within one decade: minor ticks at 0.2 … 0.9")
        #expect(narrow.labelledMinorTicks.map(narrow.label) == ["0.2", "0.5"])
        let small = Axis(scale: .logarithmic, covering: [3e-6, 8e-6])
        #expect(small.labelledMinorTicks.map(small.label) == ["2×10⁻⁶", "5×10⁻⁶"] && small.label(1e-5) == "10⁻⁵")
        let wide = Axis(scale: .logarithmic, covering: [1e-30, 1e30])
        #expect(wide.ticks.count <= 9, "sixty decades are labelled sparsely")
    }

    @Test("history charts: error with top-k, step losses on a log scale")
    func historyCharts() throws {
        let history = Self.history()
        let errorLabels = try texts(try parseSVG(history.errorChart().svg))
        for name in ["training top-1", "validation top-1", "training top-5", "validation top-5"] {
            #expect(errorLabels.contains(name))
        }
        let steps = try parseSVG(history.stepLossChart(every: 10).svg)
        #expect(try texts(steps).contains("step"))
        #expect(try steps.nodes(forXPath: "//*[local-name()='polyline']").count == 2, "the NaN at step 51 breaks the line")
    }

    @Test("the confusion-matrix heat map is well-formed and shows counts and the all row and column")
    func heatMap() throws {
        let matrix = ConfusionMatrix(predicted: [0, 0, 1, 1, 1, 2], actual: [0, 1, 1, 1, 2, 2], classNames: ["cat", "dog", "<bird>"])
        let document = try parseSVG(matrix.heatMap().svg)
        let labels = try texts(document)
        #expect(labels.contains("<bird>") && labels.contains("all") && labels.contains("predicted class"))
        // Column dog: 2 of 3 correct; row dog: 3 predicted, 2 correct.
        #expect(labels.contains("66.7%") && labels.contains("33.3%") && labels.contains("3"))
        #expect(try document.nodes(forXPath: "//*[local-name()='rect']").count == 1 + 9 + 4 + 3)
    }

    @Test("the history survives a CSV round trip exactly, missing values included")
    func csvRoundTrip() throws {
        let history = Self.history()
        let text = history.csv
        #expect(text.hasPrefix("epoch,learning_rate,training_loss,training_accuracy,training_top_k_error,"))
        #expect(text.split(separator: "\n")[3].hasPrefix("3,0.05,0.03,0.7,"), "epoch 3 (counted from 1)")
        #expect(text.split(separator: "\n")[3].split(separator: ",", omittingEmptySubsequences: false)[5].isEmpty)
        let read = try History(csv: text)
        #expect(read.epochs == history.epochs)
        #expect(throws: HistoryCSVError(line: 3, message: "training_loss 'x' is not a number")) {
            try History(csv: text.replacingOccurrences(of: "2,0.05,0.30000000000000004", with: "2,0.05,x"))
        }
        #expect(throws: HistoryCSVError.self) { try History(csv: "epoch,loss\n1,2\n") }
    }
}
