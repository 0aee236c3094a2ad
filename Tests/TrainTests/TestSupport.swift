import Autograd
import Foundation
import Testing
import Train

/// A fresh empty folder under the system's temporary directory; remove it with
/// ``removeScratch(_:)`` (in a `defer`).
func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "TrainTests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Removes a folder made by ``scratchDirectory()``, with its contents.
func removeScratch(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Writes `bytes` to `path`.
func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The contents of `path`.
func contents(of path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// `bytes` compressed by the system's `/bin/gzip` (an independent compressor, not our reader's zlib).
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let directory = try scratchDirectory()
    defer { removeScratch(directory) }
    let path = directory + "/data"
    try write(bytes, to: path)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return try contents(of: path + ".gz")
}

/// The path of a file in Tests/TrainTests/Fixtures.
func fixture(_ name: String) throws -> String {
    try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
}

/// Checks that `body` throws a ``FileError`` (a ``DataError`` or a ``CheckpointError``) of
/// `kind` whose message contains `text`.
func expectError<Kind: Hashable & Sendable>(_ kind: Kind, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(Kind.self) .\(kind), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FileError<Kind> {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(text.isEmpty || error.message.contains(text), "\(error) should contain \(text)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a \(Kind.self) .\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Checks that `body` throws a ``DataError`` of `kind` whose message contains `text`.
func expectDataError(_ kind: DataProblem, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    expectError(kind, containing: text, sourceLocation: sourceLocation, body)
}

/// Checks that `body` throws a ``CheckpointError`` of `kind` whose message contains `text`.
func expectCheckpointError(_ kind: CheckpointProblem, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws -> Void) {
    expectError(kind, containing: text, sourceLocation: sourceLocation, body)
}

/// `count` bytes from a seeded generator, each below `bound`.
func randomBytes(_ count: Int, below bound: UInt8 = 255, seed: UInt64) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...bound, using: &generator) }
}

/// A pixel value in 0...1 back as the byte it was read from, or -1 when it was not k/255.
func byte(_ value: Float) -> Int {
    let scaled = value * 255
    return abs(scaled - scaled.rounded()) < 1e-3 ? Int(scaled.rounded()) : -1
}

/// Checks that pixel values read as bytes equal `expected`, reporting the first difference
/// (a plain array comparison would print two whole images on failure).
func expectPixels(_ values: [Float], equal expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(values.count == expected.count, sourceLocation: sourceLocation)
    if let first = zip(values, expected).enumerated().first(where: { byte($0.element.0) != Int($0.element.1) })?.offset {
        Issue.record("pixel \(first) is \(values[first]), expected \(expected[first])/255", sourceLocation: sourceLocation)
    }
}

/// An IDX file: magic 00 00 08 rank, big-endian dimensions, then `body`.
func idxFile(dimensions: [UInt32], body: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for dimension in dimensions { bytes += withUnsafeBytes(of: dimension.bigEndian, Array.init) }
    return bytes + body
}

/// A dataset whose image i is filled with the value i (so every pixel tells where it came from),
/// with label i mod `classCount`.
func indexDataset(count: Int, height: Int = 2, width: Int = 3, channels: Int = 2, classCount: Int = 10) -> ImageDataset {
    let size = height * width * channels
    let values = (0..<count).flatMap { Array(repeating: Float($0), count: size) }
    return ImageDataset(images: Tensor(values, shape: [count, height, width, channels]),
                        labels: (0..<count).map { $0 % classCount }, classCount: classCount)
}
