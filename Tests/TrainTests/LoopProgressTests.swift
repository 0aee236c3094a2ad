import Testing
@testable import Train

@Suite("Progress line")
struct LoopProgressTests {
    static let line = ProgressLine(epoch: 3, epochs: 45, step: 120, steps: 500, loss: 0.42131, accuracy: 0.8523,
                                   examplesPerSecond: 1234.4, secondsRemaining: 41.6)

    @Test("epoch, step of steps, loss, accuracy, images per second and ETA")
    func format() {
        #expect(Self.line.description == "Epoch 3/45  step 120/500  loss 0.4213  accuracy 85.2%  1234 img/s  ETA 0:42")
        var early = Self.line
        (early.step, early.loss, early.examplesPerSecond, early.secondsRemaining) = (7, 1.5e-5, 12.34, 3725)
        #expect(early.description == "Epoch 3/45  step   7/500  loss 1.500e-05  accuracy 85.2%  12.3 img/s  ETA 1:02:05")
    }

    @Test("a language model's rate is named by its unit")
    func rateUnit() {
        var characters = Self.line
        characters.rateUnit = "char/s"
        #expect(characters.description == "Epoch 3/45  step 120/500  loss 0.4213  accuracy 85.2%  1234 char/s  ETA 0:42")
    }

    @Test("on a terminal the line is redrawn in place, at most every redraw interval")
    func terminal() {
        let output = LineCollector()
        var reporter = ProgressReporter(style: .terminal, write: output.append)
        reporter.restart(at: 0)
        reporter.show(Self.line, at: 0)
        reporter.show(Self.line, at: 0.05)
        #expect(output.text == "\r\u{1B}[2K" + Self.line.description, "the second redraw comes too soon")
        reporter.show(Self.line, at: 0.06, force: true)
        reporter.finish("Epoch 3/45 done")
        #expect(output.text == String(repeating: "\r\u{1B}[2K" + Self.line.description, count: 2) + "\r\u{1B}[2KEpoch 3/45 done\n")
    }

    @Test("elsewhere progress goes out as plain lines, at most every line interval")
    func lines() {
        let output = LineCollector()
        var reporter = ProgressReporter(style: .lines, write: output.append)
        reporter.lineInterval = 10
        reporter.restart(at: 100)
        for time in stride(from: 100.0, through: 125, by: 1) { reporter.show(Self.line, at: time, force: true) }
        reporter.finish("Epoch 3/45 done")
        #expect(output.text == String(repeating: Self.line.description + "\n", count: 2) + "Epoch 3/45 done\n")
        #expect(!output.text.contains("\u{1B}") && !output.text.contains("\r"))
    }

    @Test("a silent reporter writes nothing")
    func silent() {
        let output = LineCollector()
        var reporter = ProgressReporter(style: .silent, write: output.append)
        reporter.show(Self.line, at: 0, force: true)
        reporter.finish("done")
        #expect(output.text.isEmpty)
    }
}
