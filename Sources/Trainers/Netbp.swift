import Autograd
import Foundation
import Layers
import Train

/// The seeds' netbp experiment (Higham & Higham §6, thesis §4.1): the ten points, a sigmoid
/// network trained by single-sample stochastic gradient steps on the quadratic cost.
public enum Netbp {
    /// The options of a run.
    public struct Options: Sendable {
        /// Seeds the initial weights and the sample sequence.
        public var seed: UInt64 = 5000
        /// Stochastic gradient steps.
        public var steps = 1_000_000
        /// 2 for seed 004's 2-2-3-2 network, 3 for the thesis's 3-2-3-2 variant.
        public var inputSize = 2
        /// With replacement (seed 004 (4.6)) or in shuffled epochs without replacement (4.7).
        public var withReplacement = true
        /// η.
        public var learningRate = 0.05
        /// Steps between two reports of the scaled cost.
        public var reportEvery = 10_000
        /// Where to write the SVG plot of the cost (nil: no plot).
        public var plotPath: String? = "netbp-cost.svg"
        /// Creates the seeds' settings.
        public init() {}
    }

    /// What a run measured.
    public struct Result: Sendable {
        /// Σ‖y − a‖² over the ten points (the quantity both MATLAB listings print) before training.
        public var initialScaledCost: Double
        /// The same after the last step.
        public var finalScaledCost: Double
        /// (step, scaled cost) every `reportEvery` steps, the start included.
        public var costs: [(step: Int, cost: Double)]
        /// The network's outputs F(x) at the ten points after training.
        public var outputs: [[Double]]
        /// How many of the ten points are classified correctly (category A iff F1 > F2).
        public var correctCount: Int
        /// The primitives replayed per step.
        public var operationsPerStep: Int
        /// Wall time of the run, model building included.
        public var seconds: Double
    }

    /// Trains as `options` say, reporting progress lines through `log`.
    public static func run(_ options: Options, log: (String) -> Void) throws -> Result {
        let start = Date()
        var generator = SeededGenerator(seed: options.seed)
        var model = Sequential<Float>.netbp(inputSize: options.inputSize, using: &generator)
        let points: Tensor<Float> = TenPoints.inputs(inputSize: options.inputSize)
        let targets: Tensor<Float> = TenPoints.targets()
        let samples = (0..<10).map { point in
            [Tensor(Array(points.scalars[(point * options.inputSize)..<((point + 1) * options.inputSize)]), shape: [1, options.inputSize]),
             Tensor(Array(targets.scalars[(point * 2)..<(point * 2 + 2)]), shape: [1, 2])]
        }

        // One step, traced once: forward, backward (Lemma 5.1's δs) and the update p ← p − η∇C,
        // which uses the whole gradient computed with the old weights, as netbp.m does.
        let learningRate = Float(options.learningRate)
        let step = CompiledFunction(state: model.parameters.map(\.value), inputs: samples[0]) { parameters, sample in
            let gradient = gradient(at: parameters) { parameters in
                var network = model
                network.replaceParameters(with: parameters)
                return quadraticCost(network(sample[0]), sample[1])
            }
            return (zip(parameters, gradient).map { $0.adding($1, scaledBy: -learningRate) }, [])
        }

        func scaledCost() -> Double {
            model.replaceParameters(with: step.currentState)
            return 2 * Double(quadraticCost(model(points), targets).scalar)
        }
        let initial = scaledCost()
        var costs = [(step: 0, cost: initial)]
        log("netbp: \(options.inputSize)-2-3-2 sigmoid network, \(model.parameterCount) parameters drawn from 0.5·N(0, 1), seed \(options.seed)")
        log("stochastic gradient, η = \(options.learningRate), \(options.steps) single-sample steps \(options.withReplacement ? "with replacement (4.6)" : "in epochs without replacement (4.7)"), \(step.operationCount) primitives per step")
        log("step 0: scaled cost Σ‖y − a‖² = \(formatted(initial))")

        let sampler = Sampler(exampleCount: 10, scheme: options.withReplacement ? .singleWithReplacement : .singleWithoutReplacement)
        var taken = 0
        while taken < options.steps {
            for point in sampler.epoch(using: &generator).order where taken < options.steps {
                step.run(samples[point])
                taken += 1
                if taken % options.reportEvery == 0 || taken == options.steps {
                    let cost = scaledCost()
                    costs.append((taken, cost))
                    log("step \(taken): scaled cost \(formatted(cost))")
                }
            }
        }

        model.replaceParameters(with: step.currentState)
        let outputs = model(points).scalars.map(Double.init)
        let rows = (0..<10).map { Array(outputs[($0 * 2)..<($0 * 2 + 2)]) }
        let correct = rows.enumerated().filter { point, output in (output[0] > output[1]) == (point < 5) }.count
        log("")
        log("point  x                    target  F(x)              class")
        for (point, output) in rows.enumerated() {
            let x = (0..<options.inputSize).map { String(format: "%.1f", Double(points[point, $0])) }.joined(separator: ", ")
            let predicted = output[0] > output[1] ? "A" : "B"
            let truth = point < 5 ? "A" : "B"
            log(String(format: "%5d  %-19@  %@       %.4f  %.4f    %@ %@", point + 1, "(\(x))" as NSString, truth as NSString,
                       output[0], output[1], predicted as NSString, (predicted == truth ? "✓" : "✗") as NSString))
        }
        log("\(correct) of 10 points classified correctly")

        if let path = options.plotPath {
            var chart = LineChart(title: "netbp: scaled cost Σ‖y − a‖² over the ten points", xLabel: "step",
                                  yLabel: "scaled cost", yScale: .logarithmic)
            chart.add("η = \(options.learningRate), seed \(options.seed)", points: costs.map { (Double($0.step), $0.cost) })
            try chart.write(to: path)
            log("cost plot written to \(path)")
        }
        return Result(initialScaledCost: initial, finalScaledCost: costs.last!.cost, costs: costs, outputs: rows,
                      correctCount: correct, operationsPerStep: step.operationCount,
                      seconds: Date().timeIntervalSince(start))
    }

    private static func formatted(_ value: Double) -> String { String(format: "%.4e", value) }
}
