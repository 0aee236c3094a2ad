import Testing
import Autograd
import Layers
@testable import Train

@Suite("Non-finite guard")
struct LoopNonFiniteTests {
    /// A model that takes the logarithm of a first layer that starts as the identity: a
    /// negative input makes the loss NaN. (The guard can name only recorded operations, those
    /// that depend on parameters, so the logarithm comes after a layer.)
    static func logModel() -> Sequential<Float> {
        var generator = SeededGenerator(seed: 5)
        return Sequential {
            Dense<Float>(weight: Tensor.identity(2), bias: Tensor.zeros([2]))
            Lambda<Float>("Log") { $0.log() }
            Dense<Float>(inputSize: 2, outputSize: 2, using: &generator)
        }
    }

    /// Twelve positive points, except example `bad` (if any), whose first coordinate is negative.
    static func data(bad: Int?) -> TensorDataset<Float> {
        var values = (0..<24).map { Float($0 % 7 + 1) / 8 }
        if let bad { values[2 * bad] = -0.5 }
        return TensorDataset(inputs: Tensor(values, shape: [12, 2]), targets: .labels(Tensor((0..<12).map { $0 % 2 })))
    }

    @Test("stops at the step whose batch holds a log of a negative number, and names `log`")
    func logOfNegative() throws {
        let bad = 7
        var trainer = Trainer(model: Self.logModel(), optimizer: SGD<Float>(learningRate: 0.01), loss: .softmaxCrossEntropy, seed: 11)
        let output = LineCollector()
        trainer.progress = ProgressReporter(style: .lines, write: output.append)
        let history = try trainer.fit(training: Self.data(bad: bad), epochs: 3, batchSize: 3)

        // The step that sees example 7: replay the trainer's first draw (the epoch's order).
        var generator = SeededGenerator(seed: 11)
        let plan = Sampler(exampleCount: 12, scheme: .miniBatch(size: 3, withReplacement: false)).epoch(using: &generator)
        let expectedStep = try #require(plan.firstIndex { $0.contains(bad) })

        guard case .nonFinite(let report) = history.stopReason else {
            Issue.record("expected a non-finite stop, got \(String(describing: history.stopReason))")
            return
        }
        #expect(report.position == TrainingPosition(epoch: 0, step: expectedStep, stepsPerEpoch: 4))
        #expect(report.operation?.primitive == .log)
        #expect(report.loss.isNaN)
        #expect(trainer.stepsCompleted == expectedStep, "the broken step is not applied")
        #expect(trainer.model.parameters.allSatisfy { $0.value.isAllFinite })
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.last?.contains("step \(expectedStep + 1)/4") == true)
        #expect(lines.last?.contains("`log`") == true)
    }

    @Test("with the guards switched off, training goes on and the parameters become NaN")
    func withoutGuard() throws {
        var trainer = Trainer(model: Self.logModel(), optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.guards = .disabled
        let history = try trainer.fit(training: Self.data(bad: 0), epochs: 1, batchSize: 3)
        #expect(history.stopReason == nil)
        #expect(!trainer.model.parameters.allSatisfy { $0.value.isAllFinite })
    }

    @Test("a finite loss with a non-finite gradient names the parameter")
    func brokenGradient() throws {
        // √x at 0 is finite but its derivative is infinite: the forward values are all finite.
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            Dense<Float>(weight: Tensor.zeros([1, 2]), bias: Tensor([0])).named("first")
            Lambda<Float>("Root") { ($0.log() * 0.5).exp() }
            Dense<Float>(inputSize: 1, outputSize: 2, using: &generator).named("second")
        }
        var trainer = Trainer(model: model, optimizer: SGD<Float>(learningRate: 0.1), loss: .softmaxCrossEntropy)
        trainer.progress = ProgressReporter(style: .silent)
        let data = TensorDataset<Float>(inputs: Tensor([1, 2, 3, 4], shape: [2, 2]), targets: .labels(Tensor([0, 1])))
        let history = try trainer.fit(training: data, epochs: 1, batchSize: 2)
        guard case .nonFinite(let report) = history.stopReason else {
            Issue.record("expected a non-finite stop, got \(String(describing: history.stopReason))")
            return
        }
        #expect(report.loss.isFinite)
        #expect(report.parameter == "first.weight")
        #expect(report.operation?.primitive == .log, "log 0 = −∞ is the first non-finite forward value")
    }
}

/// Collects what a progress reporter writes.
final class LineCollector: @unchecked Sendable {
    private(set) var text = ""
    func append(_ piece: String) { text += piece }
}
