import Autograd
import Layers
import Testing
@testable import Train

/// Counts the calls of a pullback.
private final class CallCounter {
    var calls = 0
}

/// y = x · s for a learnt scalar s, through a primitive whose pullback counts its calls: shows
/// whether the tape differentiates with respect to s.
private struct CountingScale: Module {
    var scale = Tensor<Float>([1.5])
    let counter: CallCounter

    func callAsFunction(_ input: Tensor<Float>, context: inout ForwardContext) -> Tensor<Float> {
        let counter = counter
        return Tensor.primitive("countingScale", inputs: [input, scale],
            forward: { $0[0] * $0[1] },
            pullback: { cotangent, _, x in
                counter.calls += 1
                return [cotangent * x[1], (cotangent * x[0]).sum().reshaped(to: [1])]
            },
            pushforward: { t, _, x in [t[0].map { $0 * x[1] }, t[1].map { x[0] * $0 }].compactMap { $0 }.reduce(Tensor.zeros(x[0].shape), +) })
    }

    mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Float>) -> Void) {
        visit("scale", .weight, &scale)
    }

    func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape { shape }
}

@Suite("Freezing and parameter groups")
struct ParameterGroupTests {
    /// Trains `smallClassifier` for five steps with the layer `hidden` frozen; returns the
    /// parameters before and after, and the optimiser's state.
    static func trainFrozen<O: Optimizer>(_ optimizer: O) throws -> (before: [Parameter<Float>], after: [Parameter<Float>], state: [String: Tensor<Float>])
    where O.Scalar == Float {
        var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: optimizer, loss: .softmaxCrossEntropy, seed: 3)
        trainer.progress = ProgressReporter(style: .silent)
        trainer.parameterGroups = [.frozen(["hidden"])]
        trainer.l2Penalty = 0.1
        let before = trainer.model.parameters
        try trainer.fit(training: separablePoints(count: 20, seed: 1), epochs: 1, batchSize: 4)
        return (before, trainer.model.parameters, trainer.optimizer.state)
    }

    /// Checks that the `hidden` parameters are bit-identical and the `output` ones moved, with no
    /// optimiser state for the frozen ones.
    static func expectFrozen<O: Optimizer>(_ optimizer: O, sourceLocation: SourceLocation = #_sourceLocation) throws where O.Scalar == Float {
        let (before, after, state) = try trainFrozen(optimizer)
        for (old, new) in zip(before, after) {
            if old.name.hasPrefix("hidden.") {
                #expect(old.value == new.value, "\(O.self): frozen \(old.name) changed", sourceLocation: sourceLocation)
            } else {
                #expect(old.value != new.value, "\(O.self): \(old.name) did not train", sourceLocation: sourceLocation)
            }
        }
        #expect(!state.keys.contains { $0.hasPrefix("hidden.") }, "\(O.self): state \(state.keys.sorted())", sourceLocation: sourceLocation)
    }

    @Test("a frozen layer is bit-identical after training with every optimiser, weight decay included; the rest trains")
    func frozenWithEveryOptimizer() throws {
        try Self.expectFrozen(SGD<Float>(learningRate: 0.1))
        try Self.expectFrozen(SGD<Float>(learningRate: 0.1, weightDecay: .coupled(0.5)))
        try Self.expectFrozen(SGD<Float>(learningRate: 0.1, weightDecay: .decoupled(0.5)))
        try Self.expectFrozen(Momentum<Float>(learningRate: 0.1, weightDecay: .coupled(0.5)))
        try Self.expectFrozen(Momentum<Float>(learningRate: 0.1, weightDecay: .decoupled(0.5)))
        try Self.expectFrozen(Adam<Float>(learningRate: 0.01))
        try Self.expectFrozen(Adam<Float>(learningRate: 0.01, weightDecay: .coupled(0.5)))
        try Self.expectFrozen(Adam<Float>.adamW(learningRate: 0.01, weightDecay: 0.5))
    }

    @Test("the tape does not differentiate with respect to a frozen parameter")
    func noGradientForFrozen() throws {
        func pullbackCalls(freezing groups: [ParameterGroup]) throws -> (calls: Int, scale: Tensor<Float>) {
            var generator = SeededGenerator(seed: 5)
            let counter = CallCounter()
            let model = Sequential<Float> {
                CountingScale(counter: counter).named("probe")
                Dense<Float>(inputSize: 2, outputSize: 2, using: &generator).named("output")
            }
            var trainer = Trainer(model: model, optimizer: Adam<Float>.adamW(), loss: .softmaxCrossEntropy, seed: 3)
            trainer.progress = ProgressReporter(style: .silent)
            trainer.parameterGroups = groups
            // On the tape: tracing a compiled step would call the pullback once more.
            trainer.compilation = .off
            try trainer.fit(training: separablePoints(count: 8, seed: 1), epochs: 1, batchSize: 4)
            return (counter.calls, trainer.model.parameters[0].value)
        }
        let frozen = try pullbackCalls(freezing: [.frozen(["probe"])])
        #expect(frozen.calls == 0)
        #expect(frozen.scale == Tensor([1.5]))
        let trained = try pullbackCalls(freezing: [])
        #expect(trained.calls == 2, "one backward pass per step")
        #expect(trained.scale != Tensor([1.5]))
    }

    @Test("the step's gradient: zeros for a frozen parameter, the full gradient's entries for the others")
    func stepGradient() {
        let model = smallClassifier(seed: 2)
        let batch = separablePoints(count: 6, seed: 1).trainingBatch(0..<6)
        func gradients(_ groups: [ParameterGroup]) -> [Tensor<Float>] {
            var context = ForwardContext.inference
            return model.differentiate(batch, loss: .softmaxCrossEntropy, penalty: (0, 6), info: model.parameterInfo(groups: groups),
                                       position: TrainingPosition(epoch: 0, step: 0, stepsPerEpoch: 1), context: &context).gradients
        }
        let full = gradients([])
        let partial = gradients([.frozen(["hidden.weight", "output.bias"])])
        let names = model.parameters.map(\.name)
        for (index, name) in names.enumerated() {
            if ["hidden.weight", "output.bias"].contains(name) {
                #expect(partial[index] == Tensor.zeros(full[index].shape), "\(name)")
                #expect(full[index] != Tensor.zeros(full[index].shape), "\(name)")
            } else {
                #expect(partial[index] == full[index], "\(name)")
            }
        }
    }

    @Test("groups select a layer's parameters or single ones by dotted name, and set scale and decay")
    func selection() {
        var generator = SeededGenerator(seed: 1)
        let model = Sequential<Float> {
            Dense<Float>(inputSize: 2, outputSize: 2, using: &generator).named("hidden")
            Dense<Float>(inputSize: 2, outputSize: 2, using: &generator).named("hidden2")
        }
        let info = model.parameterInfo(groups: [.frozen(["hidden"]), ParameterGroup(["hidden2.bias"], learningRateScale: 3, weightDecay: .coupled(0.5))])
        #expect(info.map(\.isFrozen) == [true, true, false, false], "\"hidden\" does not select hidden2")
        #expect(info.map(\.learningRateScale) == [1, 1, 1, 3])
        #expect(info.map(\.weightDecay) == [nil, nil, nil, .coupled(0.5)])
        #expect(info.map(\.isDecayed) == [true, false, true, true], "a group's decay applies to its bias")
        #expect(model.parameterInfo(groups: []) == model.parameterInfo)
    }

    @Test("a group name that selects nothing, or a parameter in two groups, stops with its name")
    func badGroups() async {
        let unknown = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = smallClassifier(seed: 1).parameterInfo(groups: [.frozen(["hiden"])])
        }
        let twice = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = smallClassifier(seed: 1).parameterInfo(groups: [.frozen(["hidden"]), .frozen(["hidden.bias"])])
        }
        for (result, text) in [(unknown, "\"hiden\" names no parameter of Sequential"), (twice, "\"hidden.bias\" is in groups [0, 1]")] {
            let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
            #expect(message.contains(text), "\(message)")
        }
    }

    /// One update of p = [1, −2] along g = [0.5, 0.25] with `info`, by `optimizer`.
    static func updated<O: Optimizer>(_ optimizer: O, _ info: ParameterInfo) -> [Double] where O.Scalar == Double {
        var optimizer = optimizer
        var parameters = [Tensor<Double>([1, -2])]
        optimizer.update(&parameters, gradients: [Tensor([0.5, 0.25])], info: [info])
        optimizer.update(&parameters, gradients: [Tensor([-0.5, 0.75])], info: [info])
        return parameters[0].scalars
    }

    @Test("a learning-rate scale k trains like the optimiser with k·η; a group's decay replaces the optimiser's")
    func learningRateAndDecay() {
        let scaled = ParameterInfo(name: "w", learningRateScale: 3)
        #expect(Self.updated(SGD(learningRate: 0.1), scaled) == Self.updated(SGD(learningRate: 0.1 * 3), ParameterInfo(name: "w")))
        #expect(Self.updated(Momentum(learningRate: 0.1), scaled) == Self.updated(Momentum(learningRate: 0.1 * 3), ParameterInfo(name: "w")))
        #expect(Self.updated(Adam.adamW(learningRate: 0.1, weightDecay: 0.2), scaled)
                == Self.updated(Adam.adamW(learningRate: 0.1 * 3, weightDecay: 0.2), ParameterInfo(name: "w")))
        let ownDecay = ParameterInfo(name: "w", weightDecay: .decoupled(0.4))
        #expect(Self.updated(Adam.adamW(learningRate: 0.1, weightDecay: 0.2), ownDecay)
                == Self.updated(Adam.adamW(learningRate: 0.1, weightDecay: 0.4), ParameterInfo(name: "w")))
        #expect(Self.updated(Adam.adamW(learningRate: 0.1, weightDecay: 0.2), ownDecay)
                != Self.updated(Adam.adamW(learningRate: 0.1, weightDecay: 0.2), ParameterInfo(name: "w")))
        // SGD with decoupled decay λ and η: p ← (1 − ηλ)p − ηg, by hand for the first step.
        var parameters = [Tensor<Double>([1, -2])]
        var sgd = SGD<Double>(learningRate: 0.5, weightDecay: .none)
        sgd.update(&parameters, gradients: [Tensor([0.5, 0.25])], info: [ParameterInfo(name: "w", learningRateScale: 2, weightDecay: .decoupled(0.25))])
        #expect(parameters[0].scalars == [0.75 * 1 - 0.5, 0.75 * -2 - 0.25])
    }

    @Test("a run with a frozen layer resumed from its checkpoint ends as the run without a pause")
    func resumeWithFrozen() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        let data = separablePoints(count: 12, seed: 1)
        func makeTrainer() -> Trainer<Sequential<Float>, Adam<Float>> {
            var trainer = Trainer(model: smallClassifier(seed: 2), optimizer: Adam<Float>.adamW(learningRate: 0.01, weightDecay: 0.1),
                                  loss: .softmaxCrossEntropy, seed: 3)
            trainer.progress = ProgressReporter(style: .silent)
            trainer.parameterGroups = [.frozen(["output.bias"]), ParameterGroup(["hidden"], learningRateScale: 2)]
            return trainer
        }
        var straight = makeTrainer()
        try straight.fit(training: data, epochs: 2, batchSize: 4)
        var first = makeTrainer()
        try first.fit(training: data, epochs: 1, batchSize: 4)
        try first.saveCheckpoint(to: folder + "/run.safetensors")
        var resumed = makeTrainer()
        try resumed.restoreCheckpoint(from: folder + "/run.safetensors")
        try resumed.fit(training: data, epochs: 1, batchSize: 4)
        #expect(resumed.model.parameters.map(\.value) == straight.model.parameters.map(\.value))
        #expect(resumed.model.parameters[3].value == smallClassifier(seed: 2).parameters[3].value, "output.bias stays frozen")
        var otherScale = makeTrainer()
        otherScale.parameterGroups[1].learningRateScale = 3
        try otherScale.restoreCheckpoint(from: folder + "/run.safetensors")
        expectCheckpointError(.settingsMismatch, containing: "parameter groups") {
            try otherScale.fit(training: data, epochs: 1, batchSize: 4)
        }
        var unfrozen = makeTrainer()
        unfrozen.parameterGroups = []
        #expect(throws: OptimizerStateError.missing("output.bias.firstMoment"), "the state has no moments for output.bias") {
            try unfrozen.restoreCheckpoint(from: folder + "/run.safetensors")
        }
    }

    @Test("a saved state without a frozen parameter's slots restores; without a trained one's it does not")
    func restoreWithFrozen() throws {
        var optimizer = Adam<Double>()
        var parameters = [Tensor<Double>([1, 2]), Tensor<Double>([3])]
        let info = [ParameterInfo(name: "a", isFrozen: true), ParameterInfo(name: "b")]
        optimizer.update(&parameters, gradients: [Tensor([1, 1]), Tensor([1])], info: info)
        #expect(optimizer.state.keys.sorted() == ["b.firstMoment", "b.secondMoment", "step"])
        var restored = Adam<Double>()
        try restored.restoreState(optimizer.state, for: parameters, info: info)
        #expect(restored.state == optimizer.state)
        #expect(throws: OptimizerStateError.missing("a.firstMoment")) {
            try restored.restoreState(optimizer.state, for: parameters, info: ParameterInfo.anonymous(0) + [ParameterInfo(name: "a"), info[1]])
        }
    }
}
