import Foundation

/// The outcome of running one of the example trainers as a process.
struct TrainerOutput {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The trailing JSON line, parsed.
    var json: [String: Any]? {
        guard let line = standardOutput.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { return nil }
        return object as? [String: Any]
    }
}

/// Runs the built executable `name` (netbp, mlp, cnn) with `arguments` and waits for it.
func runTrainer(_ name: String, _ arguments: [String]) throws -> TrainerOutput {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let process = Process()
    process.executableURL = directory.appendingPathComponent(name)
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return TrainerOutput(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                         standardError: String(decoding: errorData, as: UTF8.self))
}

/// A fresh temporary folder.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "trainers-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes a tiny MNIST-layout dataset into `folder`: `side`×`side` images (28×28 as MNIST's by
/// default) of two easily told apart patterns (image i has pattern i mod 2: the top or the left
/// half bright), labelled by `label(i)` (by default the pattern).
func writeTinyIDXDataset(to folder: String, training: Int, test: Int, side: Int = 28, label: (Int) -> Int = { $0 % 2 }) throws {
    func images(_ count: Int) -> Data {
        var data = Data([0, 0, 8, 3])
        for value in [count, side, side] { data.append(contentsOf: withUnsafeBytes(of: UInt32(value).bigEndian, Array.init)) }
        for index in 0..<count {
            for row in 0..<side {
                for column in 0..<side { data.append(index % 2 == 0 ? (row < side / 2 ? 220 : 10) : (column < side / 2 ? 220 : 10)) }
            }
        }
        return data
    }
    func labels(_ count: Int) -> Data {
        var data = Data([0, 0, 8, 1])
        data.append(contentsOf: withUnsafeBytes(of: UInt32(count).bigEndian, Array.init))
        data.append(contentsOf: (0..<count).map { UInt8(label($0)) })
        return data
    }
    try images(training).write(to: URL(fileURLWithPath: folder + "/train-images-idx3-ubyte"))
    try labels(training).write(to: URL(fileURLWithPath: folder + "/train-labels-idx1-ubyte"))
    try images(test).write(to: URL(fileURLWithPath: folder + "/t10k-images-idx3-ubyte"))
    try labels(test).write(to: URL(fileURLWithPath: folder + "/t10k-labels-idx1-ubyte"))
}

/// The bytes after the header of the safetensors file at `path`: every tensor of a checkpoint
/// (parameters, state, optimiser state, generator, progress), without the metadata, which holds timings.
func checkpointTensorBytes(_ path: String) throws -> [UInt8] {
    try checkpointParts(path).tensors
}

/// The JSON header of the safetensors file at `path` (the tensors' names, shapes and metadata).
func checkpointHeader(_ path: String) throws -> String {
    String(decoding: try checkpointParts(path).header, as: UTF8.self)
}

/// The safetensors file at `path` split into its header and the tensors' bytes after it.
private func checkpointParts(_ path: String) throws -> (header: [UInt8], tensors: [UInt8]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    guard bytes.count >= 8 else { return ([], bytes) }
    let length = min(bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }, bytes.count - 8)
    return (Array(bytes[8..<8 + length]), Array(bytes[(8 + length)...]))
}
