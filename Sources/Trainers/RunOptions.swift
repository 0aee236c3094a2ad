import Foundation
import Train

/// The options every training command shares (`mlp`, `cnn`, `gpt`); `--out` writes `files`.
func commonRunOptionSpecs(files: String) -> [OptionSpec] {
    [
        .value("epochs", default: "", placeholder: "N", help: "epochs (default: the recipe's)"),
        .value("batch", default: "", placeholder: "N", help: "mini-batch size (default: the recipe's)"),
        .value("seed", default: "1", placeholder: "N", help: "seed of weights, order, split and dropout"),
        .value("threads", default: "2", placeholder: "N", help: "CPU threads for the kernels"),
        .value("out", default: "", placeholder: "DIR", help: "write \(files) and checkpoint.safetensors here"),
        .value("resume", default: "", placeholder: "FILE", help: "continue the run that wrote this checkpoint (same settings; --epochs is the total)"),
        .flag("allow-changed-settings", help: "with --resume: go on although settings differ from the checkpoint's (then not the same run)"),
        .flag("json", help: "end with one JSON line of results"),
    ]
}

/// The parsed options of ``commonRunOptionSpecs(files:)``.
struct RunOptions {
    var epochs: Int?
    var batchSize: Int?
    var seed: UInt64
    var threads: Int
    var outputDirectory: String?
    var resumePath: String?
    var allowsChangedSettings: Bool
    var json: Bool

    init(_ arguments: CommandLineOptions) throws {
        epochs = arguments.string("epochs").isEmpty ? nil : try arguments.integer("epochs", in: 1...10_000)
        batchSize = arguments.string("batch").isEmpty ? nil : try arguments.integer("batch", in: 1...100_000)
        seed = UInt64(try arguments.integer("seed", in: 0...Int.max))
        threads = try arguments.integer("threads", in: 1...256)
        outputDirectory = arguments.string("out").isEmpty ? nil : arguments.string("out")
        resumePath = arguments.string("resume").isEmpty ? nil : arguments.string("resume")
        allowsChangedSettings = arguments.flag("allow-changed-settings")
        json = arguments.flag("json")
    }

    /// Creates the `--out` folder (and its parents) and checks that files can be created in it,
    /// so that a folder that cannot be written stops the run before it trains.
    func prepareOutputFolder() throws {
        guard let outputDirectory else { return }
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw RunError(description: "--out \(outputDirectory): cannot create the folder (\(systemReason(error)))")
        }
        let probe = outputDirectory + "/.write-test-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw RunError(description: "--out \(outputDirectory): cannot create files in it (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        unlink(probe)
    }
}
