import Testing
import Autograd
@testable import Train

@Suite("Optimiser state export and import")
struct OptimizerStateTests {
    static let info = [ParameterInfo(name: "fc.weight"), ParameterInfo(name: "fc.bias", isDecayed: false)]

    static func parameters() -> [Tensor<Float>] {
        var generator = SeededGenerator(seed: 7)
        return [Tensor(randomNormal: [3, 2], using: &generator), Tensor(randomNormal: [3], using: &generator)]
    }

    /// Gradient number `step`: a fixed pseudo-random pair.
    static func gradients(_ step: Int) -> [Tensor<Float>] {
        var generator = SeededGenerator(seed: 100 + UInt64(step))
        return [Tensor(randomNormal: [3, 2], using: &generator), Tensor(randomNormal: [3], using: &generator)]
    }

    /// Three steps in one go against two steps, a save and restore into a new optimiser, and a third step.
    func expectExactResume<O: Optimizer>(_ make: () -> O) throws where O.Scalar == Float {
        var straight = make()
        var reference = Self.parameters()
        for step in 0..<3 { straight.update(&reference, gradients: Self.gradients(step), info: Self.info) }

        var first = make()
        var resumed = Self.parameters()
        for step in 0..<2 { first.update(&resumed, gradients: Self.gradients(step), info: Self.info) }
        let afterTwo = resumed
        var second = make()
        try second.restoreState(first.state, for: resumed, info: Self.info)
        second.update(&resumed, gradients: Self.gradients(2), info: Self.info)

        #expect(resumed == reference, "\(O.self) must resume bit for bit")
        #expect(second.state == straight.state)
        // Without the restored state, a stateful optimiser's third step differs.
        var fresh = make()
        var unrestored = afterTwo
        fresh.update(&unrestored, gradients: Self.gradients(2), info: Self.info)
        #expect((unrestored == reference) == first.state.isEmpty)
    }

    @Test("SGD, momentum, Adam and AdamW resume exactly from their exported state")
    func exactResume() throws {
        try expectExactResume { SGD<Float>(learningRate: 0.1, weightDecay: .coupled(0.01)) }
        try expectExactResume { Momentum<Float>(learningRate: 0.1) }
        try expectExactResume { Adam<Float>(learningRate: 0.01) }
        try expectExactResume { Adam<Float>.adamW(learningRate: 0.01) }
    }

    @Test("state names: one slot per parameter and the step count")
    func names() {
        var adam = Adam<Float>()
        var parameters = Self.parameters()
        adam.update(&parameters, gradients: Self.gradients(0), info: Self.info)
        #expect(Set(adam.state.keys) == ["fc.weight.firstMoment", "fc.weight.secondMoment",
                                         "fc.bias.firstMoment", "fc.bias.secondMoment", "step"])
        #expect(adam.state["step"]!.scalars == [0, 1])
        var momentum = Momentum<Float>(learningRate: 0.1)
        momentum.update(&parameters, gradients: Self.gradients(0), info: Self.info)
        #expect(Set(momentum.state.keys) == ["fc.weight.velocity", "fc.bias.velocity"])
        #expect(SGD<Float>(learningRate: 1).state.isEmpty)
    }

    @Test("a step count above 2²⁴ survives the Float round trip")
    func largeStep() throws {
        var adam = Adam<Float>()
        let parameters = Self.parameters()
        var state = Adam<Float>().state
        state["step"] = Tensor([Float(3), Float(5)])
        try adam.restoreState(state, for: parameters, info: Self.info)
        #expect(adam.step == 3 << 24 + 5)
    }

    @Test("a state that does not fit is rejected with a message naming the tensor")
    func mismatches() {
        var adam = Adam<Float>()
        var parameters = Self.parameters()
        adam.update(&parameters, gradients: Self.gradients(0), info: Self.info)
        let saved = adam.state

        var missing = saved
        missing["fc.bias.secondMoment"] = nil
        #expect(throws: OptimizerStateError.missing("fc.bias.secondMoment")) {
            var other = Adam<Float>()
            try other.restoreState(missing, for: parameters, info: Self.info)
        }
        var reshaped = saved
        reshaped["fc.weight.firstMoment"] = Tensor.zeros([2, 3])
        #expect(throws: OptimizerStateError.shapeMismatch(name: "fc.weight.firstMoment", expected: [3, 2], found: [2, 3])) {
            var other = Adam<Float>()
            try other.restoreState(reshaped, for: parameters, info: Self.info)
        }
        #expect(throws: OptimizerStateError.unexpected("fc.bias.firstMoment")) {
            var momentum = Momentum<Float>(learningRate: 0.1)
            try momentum.restoreState(saved, for: parameters, info: Self.info)
        }
        var badStep = saved
        badStep["step"] = Tensor([Float(0.5), 1])
        #expect(throws: OptimizerStateError.self) {
            var other = Adam<Float>()
            try other.restoreState(badStep, for: parameters, info: Self.info)
        }
        #expect(OptimizerStateError.missing("step").description.contains("'step'"))
    }
}
