import Foundation
import Testing
import Autograd
import Layers
@testable import Train

/// Optimisers run on f(p) = Σ (p − c)², whose gradient 2(p − c) depends on the parameters,
/// against the same recurrence written with plain Double arithmetic.
@Suite("Optimiser updates")
struct OptimizerUpdateTests {
    static let start: [[Double]] = [[0.5, -1.25, 2.0, 0.75], [0.3, -0.2]]
    static let centre: [[Double]] = [[1.0, 0.5, -1.0, 0.25], [-0.4, 0.1]]
    /// A weight (decayed) and a bias (not decayed).
    static let info = [ParameterInfo(name: "layer.weight"), ParameterInfo(name: "layer.bias", isDecayed: false)]

    static func gradient(_ p: Double, _ c: Double) -> Double { 2 * (p - c) }

    /// Runs `steps` updates of `optimizer` on f and returns the parameters.
    static func run<O: Optimizer>(_ optimizer: inout O, steps: Int = 3) -> [[Double]] where O.Scalar == Double {
        var parameters = start.map { Tensor<Double>($0) }
        for _ in 0..<steps {
            let gradients = zip(parameters, centre).map { p, c in
                Tensor<Double>(zip(p.scalars, c).map { gradient($0, $1) })
            }
            optimizer.update(&parameters, gradients: gradients, info: info)
        }
        return parameters.map(\.scalars)
    }

    /// The reference: `step(p, g, t, decayed)` applied three times to every element.
    static func reference(_ step: (inout Double, Double, Int, Bool) -> Void, elementState: () -> Void = {}) -> [[Double]] {
        zip(start, centre).enumerated().map { tensor, pair in
            zip(pair.0, pair.1).map { p0, c in
                var p = p0
                elementState()
                for t in 1...3 { step(&p, gradient(p, c), t, tensor == 0) }
                return p
            }
        }
    }

    static func expectClose(_ a: [[Double]], _ b: [[Double]], tolerance: Double = 1e-14, _ comment: String = "") {
        #expect(a.count == b.count)
        for (x, y) in zip(a.joined(), b.joined()) {
            #expect(abs(x - y) <= tolerance * max(1, abs(y)), "\(comment): \(x) vs \(y)")
        }
        #expect(a.joined().elementsEqual(start.joined()) == false, "the parameters must move")
    }

    @Test("SGD: p ← p − η g, three steps")
    func sgd() {
        var optimizer = SGD<Double>(learningRate: 0.1)
        let expected = Self.reference { p, g, _, _ in p -= 0.1 * g }
        Self.expectClose(Self.run(&optimizer), expected, "SGD")
        // One step by hand: p = 0.5, c = 1 ⇒ g = −1 ⇒ p = 0.5 + 0.1 = 0.6.
        var single = SGD<Double>(learningRate: 0.1)
        #expect(abs(Self.run(&single, steps: 1)[0][0] - 0.6) < 1e-15)
    }

    @Test("SGD with coupled L2 decay leaves the bias alone")
    func sgdCoupledDecay() {
        var optimizer = SGD<Double>(learningRate: 0.1, weightDecay: .coupled(0.5))
        let expected = Self.reference { p, g, _, decayed in p -= 0.1 * (g + (decayed ? 0.5 * p : 0)) }
        Self.expectClose(Self.run(&optimizer), expected, "SGD + L2")
    }

    @Test("momentum: v ← μv + g, p ← p − ηv, three steps")
    func momentum() {
        var optimizer = Momentum<Double>(learningRate: 0.05, weightDecay: .coupled(0.1))
        #expect(optimizer.momentum == 0.9)
        var velocity = 0.0
        let expected = Self.reference({ p, g, _, decayed in
            velocity = 0.9 * velocity + g + (decayed ? 0.1 * p : 0)
            p -= 0.05 * velocity
        }, elementState: { velocity = 0 })
        Self.expectClose(Self.run(&optimizer), expected, "momentum")
    }

    @Test("momentum with a constant gradient: p₃ = p₀ − η(1 + 1.9 + 2.71)g")
    func momentumByHand() {
        var optimizer = Momentum<Double>(learningRate: 0.1)
        var parameters = [Tensor<Double>([1.0])]
        for _ in 0..<3 { optimizer.update(&parameters, gradients: [Tensor([2.0])]) }
        #expect(abs(parameters[0].scalars[0] - (1 - 0.1 * 5.61 * 2)) < 1e-14)
        #expect(abs(optimizer.state["0.velocity"]!.scalars[0] - 2.71 * 2) < 1e-14)
    }

    /// Adam written out in scalars, independently of the kernel.
    static func adamReference(eta: Double, coupled: Double = 0, decoupled: Double = 0) -> [[Double]] {
        var (m, v) = (0.0, 0.0)
        return reference({ p, g, t, decayed in
            let g = g + (decayed ? coupled * p : 0)
            if decayed { p *= 1 - eta * decoupled }
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - pow(0.9, Double(t)))
            let vHat = v / (1 - pow(0.999, Double(t)))
            p -= eta * mHat / (vHat.squareRoot() + 1e-8)
        }, elementState: { (m, v) = (0, 0) })
    }

    @Test("Adam: Kingma & Ba with bias correction, three steps")
    func adam() {
        var optimizer = Adam<Double>(learningRate: 0.01)
        #expect(optimizer.beta1 == 0.9 && optimizer.beta2 == 0.999 && optimizer.epsilon == 1e-8)
        #expect(Adam<Double>().learningRate == 1e-3)
        Self.expectClose(Self.run(&optimizer), Self.adamReference(eta: 0.01), "Adam")
        #expect(optimizer.step == 3)
    }

    @Test("Adam's first step moves every coordinate by η · g/(|g| + ε)")
    func adamFirstStepByHand() {
        var optimizer = Adam<Double>(learningRate: 0.01)
        let result = Self.run(&optimizer, steps: 1)
        for (row, pair) in zip(result, zip(Self.start, Self.centre)) {
            for (p1, (p0, c)) in zip(row, zip(pair.0, pair.1)) {
                let g = Self.gradient(p0, c)
                #expect(abs(p1 - (p0 - 0.01 * g / (abs(g) + 1e-8))) < 1e-15)
            }
        }
    }

    @Test("AdamW: decoupled decay (1 − ηλ)p on weights only, then Adam")
    func adamW() {
        var optimizer = Adam<Double>.adamW(learningRate: 0.01, weightDecay: 0.5)
        Self.expectClose(Self.run(&optimizer), Self.adamReference(eta: 0.01, decoupled: 0.5), "AdamW")
        // With a zero gradient Adam's step is zero: only the decay acts, (1 − ηλ)³ on the weight.
        var decayOnly = Adam<Double>.adamW(learningRate: 0.1, weightDecay: 0.2)
        var parameters = [Tensor<Double>([2.0]), Tensor<Double>([3.0])]
        for _ in 0..<3 { decayOnly.update(&parameters, gradients: [Tensor([0.0]), Tensor([0.0])], info: Self.info) }
        #expect(abs(parameters[0].scalars[0] - 2 * pow(0.98, 3)) < 1e-15)
        #expect(parameters[1].scalars[0] == 3)
    }

    @Test("Adam with coupled L2 decay adds λp to the gradient")
    func adamCoupled() {
        var optimizer = Adam<Double>(learningRate: 0.01, weightDecay: .coupled(0.3))
        Self.expectClose(Self.run(&optimizer), Self.adamReference(eta: 0.01, coupled: 0.3), "Adam + L2")
    }

    @Test("Float kernels agree with the Double reference")
    func floatAdam() {
        var optimizer = Adam<Float>(learningRate: 0.01)
        var parameters = Self.start.map { Tensor<Float>($0.map(Float.init)) }
        for _ in 0..<3 {
            let gradients = zip(parameters, Self.centre).map { p, c in
                Tensor<Float>(zip(p.scalars, c).map { Float(Self.gradient(Double($0), $1)) })
            }
            optimizer.update(&parameters, gradients: gradients, info: Self.info)
        }
        let expected = Self.adamReference(eta: 0.01)
        for (x, y) in zip(parameters.flatMap(\.scalars), expected.joined()) { #expect(abs(Double(x) - y) < 1e-6) }
    }

    @Test("clipping by global norm scales every gradient by maxNorm/‖g‖")
    func clipping() {
        var gradients = [Tensor<Double>([3, 4]), Tensor<Double>([12])]
        #expect(globalNorm(gradients) == 13)
        let norm = clipByGlobalNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        #expect(gradients[0].scalars == [1.5, 2] && gradients[1].scalars == [6])
        #expect(abs(globalNorm(gradients) - 6.5) < 1e-12)
        var small = [Tensor<Double>([0.3, 0.4])]
        clipByGlobalNorm(&small, maxNorm: 1)
        #expect(small[0].scalars == [0.3, 0.4])
    }

    @Test("hyper-parameters take literals, Double and the model's Float: dropout rates, clip norm, optimisers, schedules, callbacks (Docs/Training.md)")
    func hyperParameterTypes() {
        let rate: Float = 0.25, maxNorm: Float = 2.5
        let dropout = Dropout<Float>(rate: rate)
        #expect(dropout.rate == 0.25 && Dropout<Float>(rate: 0.25).rate == 0.25 && Dropout<Double>(rate: Double(rate)).rate == 0.25)
        var gradients = [Tensor<Float>([3, 4])]
        #expect(clipByGlobalNorm(&gradients, maxNorm: maxNorm) == 5)
        #expect(gradients[0].scalars == [1.5, 2])
        clipByGlobalNorm(&gradients, maxNorm: 1.25)
        #expect(gradients[0].scalars == [0.75, 1])
        let eta: Float = 0.5, beta: Float = 0.75
        #expect(SGD<Float>(learningRate: eta).learningRate == 0.5 && SGD<Float>(learningRate: 0.5).learningRate == 0.5)
        #expect(Momentum<Float>(learningRate: eta, momentum: beta).momentum == 0.75 && Momentum<Float>(learningRate: 0.1).momentum == 0.9)
        let adam = Adam<Float>(learningRate: eta, beta1: beta)
        #expect(adam.learningRate == 0.5 && adam.beta1 == 0.75 && adam.beta2 == 0.999 && Adam<Float>().learningRate == 1e-3)
        #expect(Adam<Float>.adamW(weightDecay: beta).weightDecay == .decoupled(0.75))
        var generator = SeededGenerator(seed: 1)
        let rates: [Float] = [0.25, 0, 0, 0, 0]
        let network = Sequential<Float>.cifarCNN(inputChannels: 1, dropoutRates: rates, using: &generator)
        #expect(network.summary(inputShape: [32, 32, 1]).contains("Dropout(0.25)"))
        #expect(!Sequential<Float>.cifarCNN(using: &generator).summary(inputShape: [32, 32, 3]).contains("Dropout"))
        let position = TrainingPosition(epoch: 1)
        #expect(CosineDecayLearningRate(initial: eta, minimum: beta, epochs: 2).learningRate(at: position) == 0.625)
        #expect(CosineDecayLearningRate(initial: 0.5, epochs: 2).learningRate(at: position) == 0.25)
        #expect(ConstantLearningRate(eta).learningRate(at: position) == 0.5 && ConstantLearningRate(0.5).rate == 0.5)
        #expect(StepDecayLearningRate(initial: eta, factor: beta, every: 1).learningRate(at: position) == 0.375)
        #expect(EarlyStopping(patience: 1, minimumDelta: beta).minimumDelta == 0.75 && EarlyStopping(patience: 1).minimumDelta == 0)
        let plateau = ReduceLearningRateOnPlateau(factor: eta, minimumDelta: beta, minimumRate: Float(0.125))
        #expect(plateau.factor == 0.5 && plateau.minimumDelta == 0.75 && plateau.minimumRate == 0.125)
        #expect(ReduceLearningRateOnPlateau().factor == 0.1 && ReduceLearningRateOnPlateau(factor: 0.5).factor == 0.5)
    }
}
