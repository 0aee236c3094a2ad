import Autograd
import Foundation

/// The peers' tiny_mlp.py in Swift: a 2-2-3-2 sigmoid network, quadratic cost, single-sample
/// SGD (learning rate 0.05), every step a fresh recording scope with the gradient of all six
/// parameters. With `--problem` it replays tiny_mlp.py's exact weights, data and sample order,
/// so `final_cost` must match the peers' (0.00412 with the defaults).
enum TinyBench {
    /// Initial parameters, data set and sample order (tiny_mlp.py's layout).
    struct Problem: Decodable {
        /// Weight matrices, fan-out × fan-in.
        var weights: [[[Double]]]
        var biases: [[Double]]
        var inputs: [[Double]]
        var targets: [[Double]]
        var warmupIndices: [Int]
        var indices: [Int]
    }

    /// A problem file that cannot be used, with what to do about it.
    struct ProblemError: Error, CustomStringConvertible {
        let description: String
    }

    static let learningRate: Float = 0.05
    static let layerSizes = [2, 2, 3, 2]

    static func run(_ options: BenchOptions, _ report: Report) throws {
        let problem: Problem = if let path = options.problemPath { try load(path, options) } else { generated(options) }
        let weights: [Tensor<Float>] = problem.weights.map { w in matrix(w.flatMap { $0 }, rows: w.count) }
        let biases: [Tensor<Float>] = problem.biases.map { b in matrix(b, rows: b.count) }
        var parameters = weights + biases
        let samples = zip(problem.inputs, problem.targets).map { x, y in (matrix(x, rows: 2), matrix(y, rows: 2)) }
        let initialCost = cost(parameters, problem)
        let reps = options.reps ?? 5
        let (times, load) = withThreadCount(options.threads) {
            for k in problem.warmupIndices { step(&parameters, samples[k]) }
            return Timing.repetitions(reps, warmup: 0) {
                for k in problem.indices { step(&parameters, samples[k]) }
            }
        }
        let (best, median) = Timing.summary(times, per: Double(problem.indices.count))
        let finalCost = cost(parameters, problem)
        report.emit([
            ("bench", .string("tiny_mlp")), ("framework", .string("swift")), ("variant", .string("tape")),
            ("version", .string(frameworkVersion)), ("steps_per_rep", .int(problem.indices.count)), ("reps", .int(reps)),
            ("us_per_step_min", .rounded(best * 1e6, 3)), ("us_per_step_median", .rounded(median * 1e6, 3)),
            ("s_per_100k_min", .rounded(best * 1e5, 3)), ("s_per_100k_median", .rounded(median * 1e5, 3)),
            ("extrapolated", .bool(problem.indices.count < 100_000)),
            ("initial_cost", .rounded(initialCost, 5)), ("final_cost", .rounded(finalCost, 5)),
            ("problem", .string(options.problemPath == nil ? "generated" : "tiny_mlp.py")),
        ], threads: options.threads, load: load,
        summary: "tiny_mlp 2-2-3-2 SGD: \(fixed(best * 1e6, 3)) µs/step best, \(fixed(median * 1e6, 3)) median; "
            + "cost \(fixed(initialCost, 5)) → \(fixed(finalCost, 5)) (foreign load \(fixed(load.foreign, 2)))")
    }

    /// A Float matrix of `rows` rows from row-major Double values.
    static func matrix(_ values: [Double], rows: Int) -> Tensor<Float> {
        Tensor(values.map { Float($0) }, shape: [rows, values.count / rows])
    }

    /// One SGD step on one sample: parameters are [W₁, W₂, W₃, b₁, b₂, b₃].
    static func step(_ parameters: inout [Tensor<Float>], _ sample: (x: Tensor<Float>, y: Tensor<Float>)) {
        let gradients = gradient(at: parameters) { p in
            var a = sample.x
            for layer in 0..<3 { a = (matmul(p[layer], a) + p[3 + layer]).sigmoid() }
            return quadraticCost(a, sample.y)
        }
        for i in parameters.indices { parameters[i] = parameters[i] - learningRate * gradients[i] }
    }

    /// The mean quadratic cost over the data set, in Double (tiny_mlp.py's `cost_np`).
    static func cost(_ parameters: [Tensor<Float>], _ problem: Problem) -> Double {
        let weights = parameters[..<3].map { $0.scalars.map(Double.init) }
        let biases = parameters[3...].map { $0.scalars.map(Double.init) }
        var total = 0.0
        for (x, y) in zip(problem.inputs, problem.targets) {
            var a = x
            for layer in 0..<3 {
                let fanIn = a.count
                a = biases[layer].indices.map { j in
                    let z = (0..<fanIn).reduce(biases[layer][j]) { $0 + weights[layer][j * fanIn + $1] * a[$1] }
                    return 1 / (1 + Foundation.exp(-z))
                }
            }
            total += 0.5 * zip(a, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        return total / Double(problem.inputs.count)
    }

    /// Reads a problem written by tiny_mlp_problem.py and checks it against the options.
    static func load(_ path: String, _ options: BenchOptions) throws -> Problem {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ProblemError(description: "cannot read the problem file \(path): \(error.localizedDescription)")
        }
        let problem: Problem
        do { problem = try JSONDecoder().decode(Problem.self, from: data) } catch {
            throw ProblemError(description: "\(path) is not a problem written by Benchmarks/tiny_mlp_problem.py: \(error)")
        }
        let shapes = zip(layerSizes, layerSizes.dropFirst()).map { [$1, $0] }
        guard problem.weights.map({ [$0.count, $0.first?.count ?? 0] }) == shapes,
              problem.weights.allSatisfy({ w in w.allSatisfy { $0.count == w[0].count } }),
              problem.biases.map(\.count) == layerSizes.dropFirst().map({ $0 }),
              problem.inputs.count == problem.targets.count,
              problem.inputs.allSatisfy({ $0.count == 2 }), problem.targets.allSatisfy({ $0.count == 2 }),
              (problem.warmupIndices + problem.indices).allSatisfy({ problem.inputs.indices.contains($0) })
        else { throw ProblemError(description: "\(path) does not describe a 2-2-3-2 network with 2-element samples and valid indices") }
        guard problem.indices.count == options.steps, problem.warmupIndices.count == options.warmupSteps else {
            throw ProblemError(description: "\(path) holds \(problem.indices.count) steps and \(problem.warmupIndices.count) warm-up steps; "
                + "pass --steps \(problem.indices.count) --warmup-steps \(problem.warmupIndices.count) or regenerate it")
        }
        return problem
    }

    /// A problem of the same kind from our own generator (its final cost differs from the peers').
    static func generated(_ options: BenchOptions) -> Problem {
        var generator = SeededGenerator(seed: 0)
        let weights = zip(layerSizes, layerSizes.dropFirst()).map { fanIn, fanOut in
            (0..<fanOut).map { _ in (0..<fanIn).map { _ in generator.nextStandardNormal() } }
        }
        let biases = layerSizes.dropFirst().map { size in (0..<size).map { _ in generator.nextStandardNormal() } }
        let inputs = (0..<1000).map { _ in [Double(Float.random(in: 0..<1, using: &generator)), Double(Float.random(in: 0..<1, using: &generator))] }
        let targets = inputs.map { $0[0] + $0[1] > 1 ? [0.0, 1.0] : [1.0, 0.0] }
        var warmupGenerator = SeededGenerator(seed: 2), stepGenerator = SeededGenerator(seed: 1)
        return Problem(weights: weights, biases: biases, inputs: inputs, targets: targets,
                       warmupIndices: (0..<options.warmupSteps).map { _ in Int.random(in: 0..<1000, using: &warmupGenerator) },
                       indices: (0..<options.steps).map { _ in Int.random(in: 0..<1000, using: &stepGenerator) })
    }
}
