import Autograd
import Foundation
import Testing
import Train

/// Random damage to valid files: every reader must either return or throw a ``DataError``,
/// never crash and never throw anything else.
@Suite("Readers under random damage")
struct FuzzTests {
    /// 200 variants of `valid`, each with a few random bytes changed or cut short (seeded).
    static func damaged(_ valid: [UInt8], seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<200).map { trial in
            var bytes = valid
            if trial % 3 == 0 {
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            } else {
                for _ in 0...Int.random(in: 0..<4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
            }
            return bytes
        }
    }

    /// Runs `read` on every damaged variant of `valid` and counts how many were refused.
    static func survive(_ valid: [UInt8], seed: UInt64, _ read: ([UInt8]) throws -> Void) -> Int {
        var refused = 0
        for bytes in damaged(valid, seed: seed) {
            do {
                try read(bytes)
            } catch is DataError {
                refused += 1
            } catch {
                Issue.record("a reader threw \(error), not a DataError")
            }
        }
        return refused
    }

    @Test("IDX images and labels, plain and gzip")
    func idx() throws {
        let images = idxFile(dimensions: [6, 5, 4], body: randomBytes(120, seed: 3))
        let labels = idxFile(dimensions: [40], body: randomBytes(40, below: 9, seed: 4))
        // Every third variant is cut short and must fail; flips of compressed bits nearly always
        // fail too (the CRC-32), except in unchecked gzip header fields such as the time stamp.
        #expect(Self.survive(images, seed: 10) { _ = try IDX.images(bytes: $0, file: "f") } >= 67)
        #expect(Self.survive(labels, seed: 11) { _ = try IDX.labels(bytes: $0, file: "f") } >= 67)
        #expect(Self.survive(try gzip(images), seed: 12) { _ = try IDX.images(bytes: $0, file: "f") } >= 150)
        #expect(Self.survive(try gzip(labels), seed: 13) { _ = try IDX.labels(bytes: $0, file: "f") } >= 150)
    }

    @Test("CIFAR-10 batches and CSV rows, plain and gzip")
    func cifarAndCSV() throws {
        let cifar = Array(try contents(of: fixture("cifar10-test-first20.bin")).prefix(3 * 3073))
        #expect(Self.survive(cifar, seed: 20) { _ = try CIFAR10.dataset(bytes: $0, file: "f") } >= 67)
        #expect(Self.survive(try gzip(cifar), seed: 21) { _ = try CIFAR10.dataset(bytes: $0, file: "f") } >= 150)
        let rows = (0..<20).map { row in (0..<17).map { String(($0 * 7 + row) % 10) }.joined(separator: ",") }.joined(separator: "\n")
        let layout = CSVImageLayout(height: 4, width: 4, maximumValue: 16, classCount: 10)
        #expect(Self.survive(Array(rows.utf8), seed: 22) { _ = try CSVImages.dataset(bytes: $0, file: "f", layout: layout) } >= 60)
        #expect(Self.survive(try gzip(Array(rows.utf8)), seed: 23) { _ = try CSVImages.dataset(bytes: $0, file: "f", layout: layout) } >= 150)
    }
}
