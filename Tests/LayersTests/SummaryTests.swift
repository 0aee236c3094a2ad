import Autograd
import Layers
import Testing

@Suite("summary(inputShape:)")
struct SummaryTests {
    @Test("a row per layer with its output shape and parameter count, and the totals")
    func multilayerPerceptron() {
        var generator = SeededGenerator(seed: 1)
        let table = Sequential<Float>.multilayerPerceptron(widths: [3, 4, 2], outputActivation: .softmax, using: &generator)
            .summary(inputShape: [3])
        let rows = table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows[0] == ["Layer", "Type", "Output", "shape", "Parameters"])
        #expect(rows[2] == ["input", "3", "0"])
        #expect(rows[3] == ["dense1", "Dense(3", "→", "4,", "ReLU)", "4", String(3 * 4 + 4)])
        #expect(rows[4] == ["dense2", "Dense(4", "→", "2,", "Softmax)", "2", String(4 * 2 + 2)])
        #expect(rows.count == 7)
        #expect(rows.last == ["Total:", "26", "parameters", "(20", "weights,", "6", "biases)"])
    }

    @Test("columns are aligned")
    func alignment() {
        var generator = SeededGenerator(seed: 1)
        let lines = Sequential<Float>.netbp(using: &generator).summary(inputShape: [2]).split(separator: "\n")
        let tableLines = lines.dropLast()
        #expect(Set(tableLines.map(\.count)).count == 1, "\(lines.joined(separator: "\n"))")
    }
}
