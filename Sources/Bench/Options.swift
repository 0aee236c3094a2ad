import Autograd

/// The command line of `bench`: which measurements to run and how.
struct BenchOptions {
    /// A measurement family; `all` on the command line selects every one.
    enum Mode: String, CaseIterable {
        case peak, gemm, batched, tiny, overhead, accuracy, cnn, mlp, resnet, gpt, placement, sync
    }

    /// What a `cnn` or `resnet` measurement times: a training step or a forward pass.
    enum CNNMode: String, CaseIterable {
        case train, infer
    }

    /// A command-line problem, with a message that says how to fix it.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    var modes: [Mode] = []
    var threads = ComputeThreads.available
    /// Square sizes; the default set unless `--sizes` or `--shapes` is given.
    var sizes: [Int] { explicitSizes ?? (shapes.isEmpty ? [256, 512, 1024, 2048] : []) }
    var explicitSizes: [Int]?
    /// Non-square products m × n × k (`--shapes`), measured after the square sizes.
    var shapes: [(m: Int, n: Int, k: Int)] = []
    var reps: Int?
    var repSeconds = 0.3
    var json = false
    var variants = ["A.B"]
    var useDouble = false
    var steps = 100_000
    var warmupSteps = 2_000
    var problemPath: String?
    var tag: String?
    /// Batch sizes (`--batch`); each mode has its own default.
    var batches: [Int]?
    var cnnModes = CNNMode.allCases

    static let usage = """
        usage: bench <mode>... [options]
          modes: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")), all
          --threads N        threads for the kernels (default: every available CPU, here \(ComputeThreads.available))
          --sizes a,b,...    gemm: square sizes (default 256,512,1024,2048 unless --shapes is given)
          --shapes MxNxK,... gemm: non-square products too (bench "sgemm_shape"), e.g. 1024x32x800;
                             batched: the shape of each product (default 128x128x32, attention's)
          --variants list    gemm, batched: any of A.B, AT.B, A.BT, AT.BT (default A.B)
          --double           gemm: Double instead of Float (bench "dgemm")
          --reps R           timed repetitions (default 7 for gemm, 5 otherwise)
          --rep-seconds S    gemm: target duration of one repetition (default 0.3)
          --steps S          tiny: SGD steps per repetition (default 100000)
          --warmup-steps W   tiny: untimed steps first (default 2000)
          --problem FILE     tiny: initial weights, data and sample order written by
                             Benchmarks/tiny_mlp_problem.py (the peers' exact run)
          --batch a,b,...    cnn: batch sizes (default 32,128); mlp: (default 64,256); resnet: (default 128);
                             gpt: sequences of 128 tokens (default 16);
                             batched: products per call (default 32, as [4, 8] leading axes)
          --mode train|infer cnn, resnet: training steps or forward passes (default both)
          --tag TEXT         copied into every JSON line
          --json             one JSON line per measurement (the peers' fields)
        """

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        func value(for flag: String) throws(UsageError) -> String {
            guard let next = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func count(for flag: String) throws(UsageError) -> Int {
            let text = try value(for: flag)
            guard let number = Int(text), number >= 1 else {
                throw UsageError(description: "\(flag) expects a whole number of at least 1, not '\(text)'")
            }
            return number
        }
        func counts(for flag: String, example: String) throws(UsageError) -> [Int] {
            let text = try value(for: flag)
            let parsed = text.split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 }
            guard !parsed.isEmpty, parsed.count == text.split(separator: ",").count else {
                throw UsageError(description: "\(flag) expects positive whole numbers like \(example), not '\(text)'")
            }
            return parsed
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--threads": threads = try count(for: argument)
            case "--reps": reps = try count(for: argument)
            case "--steps": steps = try count(for: argument)
            case "--rep-seconds":
                let text = try value(for: argument)
                guard let seconds = Double(text), seconds > 0 else {
                    throw UsageError(description: "--rep-seconds expects a positive number of seconds, not '\(text)'")
                }
                repSeconds = seconds
            case "--warmup-steps":
                let text = try value(for: argument)
                guard let number = Int(text), number >= 0 else {
                    throw UsageError(description: "--warmup-steps expects a whole number, not '\(text)'")
                }
                warmupSteps = number
            case "--sizes": explicitSizes = try counts(for: argument, example: "256,512")
            case "--shapes":
                let text = try value(for: argument)
                for item in text.split(separator: ",") {
                    let parts = item.split(separator: "x").compactMap { Int($0) }.filter { $0 >= 1 }
                    guard parts.count == 3 else { throw UsageError(description: "--shapes expects MxNxK items like 1024x32x800, not '\(item)'") }
                    shapes.append((parts[0], parts[1], parts[2]))
                }
            case "--variants":
                let text = try value(for: argument)
                let parsed = text.split(separator: ",").map(String.init)
                let known = ["A.B", "AT.B", "A.BT", "AT.BT"]
                guard let unknown = parsed.first(where: { !known.contains($0) }) else { variants = parsed; continue }
                throw UsageError(description: "unknown variant '\(unknown)'; use \(known.joined(separator: ", "))")
            case "--batch": batches = try counts(for: argument, example: "32,128")
            case "--mode":
                let text = try value(for: argument)
                let parsed = text.split(separator: ",").compactMap { CNNMode(rawValue: String($0)) }
                guard !parsed.isEmpty, parsed.count == text.split(separator: ",").count else {
                    throw UsageError(description: "--mode expects train, infer or train,infer, not '\(text)'")
                }
                cnnModes = parsed
            case "--double": useDouble = true
            case "--problem": problemPath = try value(for: argument)
            case "--tag": tag = try value(for: argument)
            case "--json": json = true
            case "all": modes.append(contentsOf: Mode.allCases)
            case "-h", "--help": throw UsageError(description: Self.usage)
            default:
                guard let mode = Mode(rawValue: argument) else {
                    throw UsageError(description: "unknown argument '\(argument)'\n\(Self.usage)")
                }
                modes.append(mode)
            }
        }
        guard !modes.isEmpty else { throw UsageError(description: "no mode given\n\(Self.usage)") }
    }
}
