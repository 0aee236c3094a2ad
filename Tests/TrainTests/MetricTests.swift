import Testing
import Autograd
@testable import Train

@Suite("Metrics")
struct MetricTests {
    /// Four examples, five classes. Label ranks by hand: row 0 label 2 is the largest (rank 0);
    /// row 1 label 0 has 3 larger scores (rank 3); row 2 label 4 has 1 larger (rank 1);
    /// row 3 label 1 ties with class 0 (smaller index, predicted first) and is below class 3: rank 2.
    static let scores = Tensor<Float>([
        0.1, 0.2, 0.9, 0.3, 0.0,
        0.1, 0.5, 0.4, 0.3, 0.05,
        0.0, 0.1, 0.2, 0.9, 0.8,
        0.6, 0.6, 0.1, 0.7, 0.2,
    ], shape: [4, 5])
    static let labels = [2, 0, 4, 1]

    @Test("predictions, label ranks, accuracy and top-k error on a hand-built example")
    func topK() {
        #expect(predictedClasses(Self.scores) == [2, 1, 3, 3])
        #expect(labelRanks(scores: Self.scores, labels: Self.labels) == [0, 3, 1, 2])
        #expect(accuracy(scores: Self.scores, labels: Self.labels) == 0.25)
        #expect(topKError(scores: Self.scores, labels: Self.labels, k: 1) == 0.75)
        #expect(topKError(scores: Self.scores, labels: Self.labels, k: 2) == 0.5)
        #expect(topKError(scores: Self.scores, labels: Self.labels, k: 3) == 0.25)
        #expect(topKError(scores: Self.scores, labels: Self.labels, k: 5) == 0)
    }

    @Test("a NaN score never counts as a correct prediction")
    func nanScores() {
        let scores = Tensor<Double>([.nan, 1, 2, .nan], shape: [2, 2])
        #expect(predictedClasses(scores) == [1, 0])
        #expect(labelRanks(scores: scores, labels: [0, 1]) == [2, 2])
    }

    /// Seed 004 Fig. 7.4's first row and column: 814 airplanes correct, 1000 airplanes in all,
    /// 988 images predicted as airplane.
    static let figureCounts = [[814, 21, 153], [100, 900, 0], [86, 79, 847]]

    static func figureMatrix() -> ConfusionMatrix {
        var predicted: [Int] = [], actual: [Int] = []
        for (i, row) in figureCounts.enumerated() {
            for (j, count) in row.enumerated() {
                predicted += Array(repeating: i, count: count)
                actual += Array(repeating: j, count: count)
            }
        }
        return ConfusionMatrix(predicted: predicted, actual: actual, classNames: ["airplane", "automobile", "bird"])
    }

    @Test("rows are predicted classes, columns true classes: the transpose of scikit-learn")
    func convention() {
        let predicted = [0, 0, 1, 2, 2, 2, 1]
        let actual = [0, 1, 1, 2, 0, 0, 0]
        let matrix = ConfusionMatrix(predicted: predicted, actual: actual, classNames: ["a", "b", "c"])
        // scikit-learn: C[true][predicted].
        var sklearn = Array(repeating: Array(repeating: 0, count: 3), count: 3)
        for (p, t) in zip(predicted, actual) { sklearn[t][p] += 1 }
        for i in 0..<3 {
            for j in 0..<3 { #expect(matrix[predicted: i, actual: j] == sklearn[j][i]) }
        }
        #expect(matrix[predicted: 2, actual: 0] == 2 && matrix[predicted: 0, actual: 2] == 0)
        #expect(matrix.correct == 3 && matrix.total == 7)
        var fromScores = ConfusionMatrix(classes: 5)
        fromScores.add(scores: Self.scores, labels: Self.labels)
        #expect(fromScores[predicted: 3, actual: 4] == 1 && fromScores[predicted: 1, actual: 0] == 1)
    }

    @Test("the printed 'all' row and column give seed 004's percentages")
    func printedPercentages() {
        let matrix = Self.figureMatrix()
        #expect(matrix.predictedCount(0) == 988 && matrix.actualCount(0) == 1000)
        let lines = matrix.description.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        // The header, then one line per predicted class, then the "all" row.
        #expect(lines[1] == ["predicted", "\\", "true", "airplane", "automobile", "bird", "all"])
        #expect(lines[2] == ["airplane", "814", "21", "153", "988", "82.4%/17.6%"])
        #expect(lines[3] == ["automobile", "100", "900", "0", "1000", "90.0%/10.0%"])
        #expect(lines[4] == ["bird", "86", "79", "847", "1012", "83.7%/16.3%"])
        // Column recalls: 814/1000, 900/1000, 847/1000; overall 2561/3000 = 85.4%.
        #expect(lines[5] == ["all", "81.4%/18.6%", "90.0%/10.0%", "84.7%/15.3%", "3000", "85.4%/14.6%"])
    }

    @Test("an empty class prints a dash instead of a percentage")
    func emptyClass() {
        let matrix = ConfusionMatrix(predicted: [0, 0], actual: [0, 1], classNames: ["x", "y"])
        let last = matrix.description.split(separator: "\n").last!.split(separator: " ")
        #expect(last == ["all", "100.0%/0.0%", "0.0%/100.0%", "2", "50.0%/50.0%"])
        let rowY = matrix.description.split(separator: "\n")[3].split(separator: " ")
        #expect(rowY == ["y", "0", "0", "0", "–"])
    }
}
