import Autograd
import Foundation

/// The error of the `Float` element-wise kernels against the `Double` C library, over sweeps
/// of inputs: the largest error in units in the last place (of the correctly rounded Float),
/// the largest relative and absolute errors, and the same figures for the C library's Float
/// functions for comparison. Then the error of `Float` convolutions (the CIFAR network's and
/// ResNet-20's, Winograd where it applies) against the same computation in `Double`.
enum AccuracyBench {
    struct Function {
        let name: String
        let range: String
        let inputs: [Float]
        let kernel: (Tensor<Float>) -> Tensor<Float>
        let exact: (Double) -> Double
        let library: (Float) -> Float
    }

    static func run(_ options: BenchOptions, _ report: Report) {
        let count = 1 << 20
        func uniform(_ low: Float, _ high: Float) -> [Float] {
            (0..<count).map { low + (high - low) * Float($0) / Float(count - 1) }
        }
        let logarithmic = (0..<count).map { Float(Foundation.exp(Double($0) / Double(count - 1) * 190 - 103)) }
        let sigmoid: (Double) -> Double = { 1 / (1 + Foundation.exp(-$0)) }
        let functions = [
            Function(name: "exp", range: "[-103.9, 88.7]", inputs: uniform(-103.9, 88.7), kernel: { $0.exp() },
                     exact: Foundation.exp, library: Foundation.exp),
            Function(name: "log", range: "[1e-45, 3e37] log-spaced", inputs: logarithmic, kernel: { $0.log() },
                     exact: Foundation.log, library: Foundation.log),
            Function(name: "log", range: "[0.5, 2]", inputs: uniform(0.5, 2), kernel: { $0.log() },
                     exact: Foundation.log, library: Foundation.log),
            Function(name: "sigmoid", range: "[-30, 30]", inputs: uniform(-30, 30), kernel: { $0.sigmoid() },
                     exact: sigmoid, library: { 1 / (1 + Foundation.exp(-$0)) }),
            Function(name: "tanh", range: "[-10, 10]", inputs: uniform(-10, 10), kernel: { $0.tanh() },
                     exact: Foundation.tanh, library: Foundation.tanh),
            Function(name: "tanh", range: "[-0.7, 0.7]", inputs: uniform(-0.7, 0.7), kernel: { $0.tanh() },
                     exact: Foundation.tanh, library: Foundation.tanh),
        ]
        for function in functions {
            let results = function.kernel(Tensor(function.inputs)).scalars
            let ours = errors(function.inputs, results, function.exact)
            let library = errors(function.inputs, function.inputs.map(function.library), function.exact)
            report.emit([
                ("bench", .string("elementwise_accuracy")), ("framework", .string("swift")),
                ("function", .string(function.name)), ("range", .string(function.range)), ("points", .int(count)),
                ("max_ulp", .rounded(ours.ulp, 2)), ("max_rel_error", .number(ours.relative)),
                ("max_abs_error", .number(ours.absolute)), ("libm_float_max_ulp", .rounded(library.ulp, 2)),
            ], threads: 1, load: nil,
            summary: "\(function.name) on \(function.range): max \(fixed(ours.ulp, 2)) ulp, relative \(ours.relative), "
                + "absolute \(ours.absolute) (C library Float: \(fixed(library.ulp, 2)) ulp)")
        }
        convolutionErrors(report)
    }

    /// conv2d and its two gradients in `Float` against `Double` on the CIFAR network's second and
    /// third layers (5×5, padding 2: F(4×4, 5×5)) and ResNet-20's three stages (3×3, padding 1:
    /// F(6×6, 3×3) where the channels are whole vectors and it pays), batch 8, inputs and
    /// cotangents uniform in [−1, 1): the largest difference relative to the largest `Double`
    /// value.
    static func convolutionErrors(_ report: Report) {
        var generator = SeededGenerator(seed: 5)
        let layers = [(5, 16, 32, 32), (5, 8, 32, 64), (3, 32, 16, 16), (3, 16, 32, 32), (3, 8, 64, 64)]
        for (window, size, inputs, outputs) in layers {
            let x = Tensor<Double>(randomUniform: [8, size, size, inputs], in: -1..<1, using: &generator)
            let w = Tensor<Double>(randomUniform: [window, window, inputs, outputs], in: -1..<1, using: &generator)
            let cotangent = Tensor<Double>(randomUniform: [8, size, size, outputs], in: -1..<1, using: &generator)
            func results<T: TensorScalar>(_: T.Type) -> [[Double]] {
                withGradientTape(of: T.self) { tape in
                    let (input, filter) = (tape.watch(Tensor<T>(x)), tape.watch(Tensor<T>(w)))
                    let y = conv2d(input, filter: filter, strides: (1, 1), padding: .symmetric(window / 2))
                    let gradients = tape.pullback(of: y, cotangent: Tensor<T>(cotangent), withRespectTo: [input, filter])
                    return [y, gradients[0], gradients[1]].map { Tensor<Double>($0).scalars }
                }
            }
            let (single, double) = (results(Float.self), results(Double.self))
            for (name, (ours, exact)) in zip(["forward", "input gradient", "filter gradient"], zip(single, double)) {
                let scale = exact.map(abs).max() ?? 1
                let error = zip(ours, exact).map { abs($0 - $1) }.max() ?? 0
                let layer = "\(size)×\(size)×\(inputs) → \(outputs)"
                report.emit([
                    ("bench", .string("convolution_accuracy")), ("framework", .string("swift")),
                    ("layer", .string(layer)), ("window", .string("\(window)×\(window)")),
                    ("pass", .string(name)), ("max_error_over_max_value", .number(error / scale)),
                ], threads: ComputeThreads.current, load: nil,
                summary: "conv2d \(layer), \(window)×\(window), \(name): largest Float error \(error / scale) of the largest value")
            }
        }
    }

    /// The largest errors of `results` against `exact` over `inputs`: in ulps of the correctly
    /// rounded Float, relative (where the exact value is a normal Float) and absolute.
    static func errors(_ inputs: [Float], _ results: [Float], _ exact: (Double) -> Double)
        -> (ulp: Double, relative: Double, absolute: Double) {
        var worst = (ulp: 0.0, relative: 0.0, absolute: 0.0)
        for (x, y) in zip(inputs, results) {
            let reference = exact(Double(x))
            let rounded = Float(reference)
            guard rounded.isFinite else {
                if Double(y) != reference { worst.ulp = .infinity }
                continue
            }
            let error = abs(Double(y) - reference)
            worst.absolute = max(worst.absolute, error)
            worst.ulp = max(worst.ulp, error / Double(rounded.ulp))
            if abs(rounded) >= Float.leastNormalMagnitude { worst.relative = max(worst.relative, error / abs(reference)) }
        }
        return worst
    }
}
