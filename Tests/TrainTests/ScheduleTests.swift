import Foundation
import Testing
@testable import Train

@Suite("Learning-rate schedules")
struct ScheduleTests {
    func rate(_ schedule: some LearningRateSchedule, epoch: Int, step: Int = 0, steps: Int = 10) -> Double {
        schedule.learningRate(at: TrainingPosition(epoch: epoch, step: step, stepsPerEpoch: steps))
    }

    @Test("seed 004: 0.05 for 30 epochs, 0.005 for 10, 0.0005 for 5 (boundaries 29→30, 39→40)")
    func piecewise() {
        let schedule = PiecewiseConstantLearningRate.highamCIFAR10
        #expect(schedule.epochs == 45)
        #expect(rate(schedule, epoch: 0) == 0.05)
        #expect(rate(schedule, epoch: 29, step: 9) == 0.05)
        #expect(rate(schedule, epoch: 30) == 0.005)
        #expect(rate(schedule, epoch: 39, step: 9) == 0.005)
        #expect(rate(schedule, epoch: 40) == 0.0005)
        #expect(rate(schedule, epoch: 44) == 0.0005)
        #expect(rate(schedule, epoch: 60) == 0.0005, "the last rate continues")
    }

    @Test("step decay multiplies by the factor every k epochs")
    func stepDecay() {
        let schedule = StepDecayLearningRate.stepDecay(initial: 0.1, factor: 0.5, every: 3)
        #expect([0, 2, 3, 5, 6, 9].map { rate(schedule, epoch: $0) } == [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])
    }

    @Test("cosine decay: η₀ at the start, the midpoint halfway, η_min at the end and after")
    func cosine() {
        let schedule = CosineDecayLearningRate.cosine(initial: 0.1, minimum: 0.001, epochs: 4)
        #expect(rate(schedule, epoch: 0) == 0.1)
        #expect(abs(rate(schedule, epoch: 2) - (0.001 + 0.099 / 2)) < 1e-15)
        // A quarter of the way, in steps: (1 + cos(π/4)) / 2 of the span.
        #expect(abs(rate(schedule, epoch: 0, step: 10, steps: 10) - (0.001 + 0.0495 * (1 + cos(Double.pi / 4)))) < 1e-15)
        #expect(abs(rate(schedule, epoch: 3, step: 9) - 0.001) < 1e-3 && rate(schedule, epoch: 3, step: 9) > 0.001)
        #expect(abs(rate(schedule, epoch: 4) - 0.001) < 1e-17)
        #expect(abs(rate(schedule, epoch: 7) - 0.001) < 1e-17)
    }

    @Test("linear warm-up: (k + 1)/n of the base rate, full from step n − 1 on")
    func warmup() {
        let schedule = LinearWarmup.warmup(steps: 4, then: .constant(0.2))
        let rates = (0..<6).map { rate(schedule, epoch: 0, step: $0) }
        for (got, want) in zip(rates, [0.05, 0.1, 0.15, 0.2, 0.2, 0.2]) { #expect(abs(got - want) < 1e-15) }
        // The warm-up counts global steps across epochs and multiplies the base schedule.
        let overCosine = LinearWarmup(steps: 15, then: CosineDecayLearningRate(initial: 1, epochs: 2))
        let position = TrainingPosition(epoch: 1, step: 0, stepsPerEpoch: 10)
        #expect(abs(overCosine.learningRate(at: position) - 11.0 / 15 * 0.5) < 1e-15)
    }
}
