import Foundation
import Testing
import Autograd

@Suite("How closely each primitive's derivatives match finite differences")
struct PrimitiveAccuracyTests {
    /// Runs every row of ``primitiveTable`` through the checker and prints, per primitive, the
    /// worst reverse-mode relative error over its rows (`swift test --filter PrimitiveAccuracy`).
    @Test("every primitive passes; one line per primitive with its worst reverse-mode relative error")
    func worstErrorPerPrimitive() {
        var worst: [Primitive: (relative: Double, absolute: Double, rows: Int)] = [:]
        for row in primitiveTable {
            let report = checkGradients(of: row.function, at: row.inputs())
            #expect(report.passes, "\(row.testDescription)\n\(report)")
            let previous = worst[row.primitive] ?? (0, 0, 0)
            worst[row.primitive] = (max(previous.relative, report.reverseMode.maxRelativeError),
                                    max(previous.absolute, report.reverseMode.maxAbsoluteError), previous.rows + 1)
        }
        for primitive in Primitive.allCases {
            guard let figures = worst[primitive] else { continue }
            let name = primitive.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)
            print(name + String(format: "worst reverse-mode relative error %.1e, absolute %.1e (rows: %d)",
                                figures.relative, figures.absolute, figures.rows))
        }
    }
}
