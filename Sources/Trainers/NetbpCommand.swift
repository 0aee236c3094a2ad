import Autograd
import Foundation
import Kernels

extension Netbp {
    /// The command-line options of the `netbp` executable.
    public static let optionSpecs: [OptionSpec] = [
        .value("seed", default: "5000", placeholder: "N", help: "seed of the initial weights and of the samples"),
        .value("steps", default: "1000000", placeholder: "N", help: "stochastic gradient steps (1e6 is fine)"),
        .value("inputs", default: "2", placeholder: "2|3", help: "2: seed 004's 2-2-3-2 network; 3: the thesis's 3-2-3-2"),
        .value("sampling", default: "replacement", placeholder: "MODE",
               help: "replacement: one sample drawn per step (4.6); epochs: shuffled epochs (4.7)"),
        .value("eta", default: "0.05", placeholder: "η", help: "learning rate"),
        .value("report-every", default: "10000", placeholder: "N", help: "steps between cost reports"),
        .value("plot", default: "netbp-cost.svg", placeholder: "FILE", help: "SVG plot of the cost ('none' for no plot)"),
        .value("threads", default: "1", placeholder: "N", help: "CPU threads for the kernels"),
        .flag("json", help: "end with one JSON line of results"),
    ]

    /// Runs the `netbp` command line.
    public static func main() -> Never {
        runTrainer(program: "netbp", summary: "Trains the seeds' netbp network on the ten embedded points (Higham & Higham §6).",
                   specs: optionSpecs) { arguments in
            var options = Options()
            options.seed = UInt64(try arguments.integer("seed", in: 0...Int.max))
            options.steps = try arguments.integer("steps", in: 1...1_000_000_000)
            options.inputSize = try arguments.integer("inputs", in: 2...3)
            options.withReplacement = try arguments.choice("sampling", among: ["replacement", "epochs"]) == "replacement"
            options.learningRate = try arguments.number("eta", in: 1e-9...100)
            options.reportEvery = try arguments.integer("report-every", in: 1...1_000_000_000)
            options.plotPath = arguments.string("plot") == "none" ? nil : arguments.string("plot")
            let threads = try arguments.integer("threads", in: 1...256)
            let result = try withThreadCount(threads) {
                try run(options) { say($0) }
            }
            say(String(format: "%d steps in %.2f s (%.3f µs per step, all included)", options.steps, result.seconds,
                         result.seconds / Double(options.steps) * 1e6))
            if arguments.flag("json") {
                let fields: [String: Any] = [
                    "trainer": "netbp", "seed": options.seed, "steps": options.steps, "inputs": options.inputSize,
                    "sampling": options.withReplacement ? "replacement" : "epochs", "threads": threads,
                    "kernel_level": KernelDispatch.level.rawValue,
                    "initial_scaled_cost": result.initialScaledCost, "final_scaled_cost": result.finalScaledCost,
                    "correct": result.correctCount, "operations_per_step": result.operationsPerStep,
                    "seconds": result.seconds,
                ]
                say(try jsonLine(fields))
            }
        }
    }
}

/// One line of JSON with sorted keys; a NaN or an infinity (a measurement of nothing, such as
/// the accuracy on no test images) is written as `null`, which JSON has in their place.
func jsonLine(_ fields: [String: Any]) throws -> String {
    let representable = fields.mapValues { value -> Any in
        guard let number = value as? Double, !number.isFinite else { return value }
        return NSNull()
    }
    return String(decoding: try JSONSerialization.data(withJSONObject: representable, options: [.sortedKeys]), as: UTF8.self)
}
