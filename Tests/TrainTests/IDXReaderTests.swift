import Autograd
import Foundation
import Testing
import Train

@Suite("IDX reader")
struct IDXReaderTests {
    static let (count, rows, columns) = (5, 4, 3)
    static let pixels = randomBytes(count * rows * columns, seed: 1)
    static let labelBytes = randomBytes(count, below: 9, seed: 2)
    static let imageFile = idxFile(dimensions: [UInt32(count), UInt32(rows), UInt32(columns)], body: pixels)
    static let labelFile = idxFile(dimensions: [UInt32(count)], body: labelBytes)

    /// Checks that `images` hold exactly `pixels` in [count, rows, columns, 1].
    func expectExact(_ images: Tensor<Float>) {
        #expect(images.shape == [Self.count, Self.rows, Self.columns, 1])
        expectPixels(images.scalars, equal: Self.pixels)
    }

    @Test("plain and gzip IDX files read back exactly", arguments: [false, true])
    func roundTrip(compressed: Bool) throws {
        let imageBytes = compressed ? try gzip(Self.imageFile) : Self.imageFile
        let labelBytes = compressed ? try gzip(Self.labelFile) : Self.labelFile
        #expect((imageBytes[0], imageBytes[1]) == (compressed ? (0x1F, 0x8B) : (0, 0)))
        expectExact(try IDX.images(bytes: imageBytes, file: "images"))
        #expect(try IDX.labels(bytes: labelBytes, file: "labels") == Self.labelBytes.map(Int.init))

        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        try write(imageBytes, to: directory + "/images")
        expectExact(try IDX.images(contentsOf: directory + "/images"))
    }

    @Test("a truncated file throws .truncated, wherever it is cut", arguments: [false, true])
    func truncated(compressed: Bool) throws {
        for length in [0, 2, 5, 15, Self.imageFile.count - 1] {
            let cut = Array(Self.imageFile.prefix(length))
            expectDataError(.truncated) { _ = try IDX.images(bytes: compressed ? try gzip(cut) : cut, file: "cut") }
        }
        if compressed {
            let stream = try gzip(Self.imageFile)
            for length in [3, 12, stream.count / 2, stream.count - 4, stream.count - 1] {
                expectDataError(.truncated) { _ = try IDX.images(bytes: Array(stream.prefix(length)), file: "cut") }
            }
        }
        let labels = Array(Self.labelFile.dropLast())
        expectDataError(.truncated, containing: "header says 5 labels = 5 bytes but 4 remain") {
            _ = try IDX.labels(bytes: compressed ? try gzip(labels) : labels, file: "labels")
        }
    }

    @Test("the truncation message names the file, the header's claim and what remains")
    func truncationMessage() throws {
        let file = idxFile(dimensions: [60000, 28, 28], body: Array(repeating: 0, count: 1000))
        do {
            _ = try IDX.images(bytes: file, file: "train-images-idx3-ubyte")
            Issue.record("a truncated file was read")
        } catch let error as DataError {
            #expect(error.description == "train-images-idx3-ubyte: truncated: header says 60000 images of 28×28 = 47040000 bytes but 1000 remain")
        }
    }

    @Test("bad magic numbers and element types throw .badMagic", arguments: [false, true])
    func badMagic(compressed: Bool) throws {
        for (offset, value) in [(0, UInt8(0x01)), (1, 0x80), (2, 0x09), (2, 0x0D), (3, 0x01), (3, 0x04)] {
            var file = Self.imageFile
            file[offset] = value
            expectDataError(.badMagic, containing: "bad magic 0x") {
                _ = try IDX.images(bytes: compressed ? try gzip(file) : file, file: "flipped")
            }
        }
        expectDataError(.badMagic, containing: "expected 0x00000801") { _ = try IDX.labels(bytes: Self.imageFile, file: "images as labels") }
        expectDataError(.badMagic, containing: "expected 0x00000803") { _ = try IDX.images(bytes: Self.labelFile, file: "labels as images") }
    }

    @Test("bit flips in the dimensions throw, never read wrong sizes", arguments: [false, true])
    func flippedDimensions(compressed: Bool) throws {
        for (offset, kind) in [(7, DataProblem.truncated), (6, .truncated), (11, .truncated), (15, .truncated), (4, .truncated)] {
            var file = Self.imageFile
            file[offset] ^= 0x10
            expectDataError(kind) { _ = try IDX.images(bytes: compressed ? try gzip(file) : file, file: "flipped") }
        }
        var shorter = Self.imageFile
        shorter[7] = UInt8(Self.count - 1)
        expectDataError(.extraData, containing: "4 images of 4×3") { _ = try IDX.images(bytes: compressed ? try gzip(shorter) : shorter, file: "f") }
        var zeroWidth = Self.imageFile
        zeroWidth[15] = 0
        expectDataError(.badHeader, containing: "4×0") { _ = try IDX.images(bytes: zeroWidth, file: "f") }
    }

    @Test("headers claiming gigabytes fail cleanly before allocating", arguments: [false, true])
    func oversizedHeaders(compressed: Bool) throws {
        let huge = idxFile(dimensions: [4_000_000_000, 28, 28], body: Self.pixels)
        expectDataError(.truncated, containing: "header says 4000000000 images of 28×28 = 3136000000000 bytes") {
            _ = try IDX.images(bytes: compressed ? try gzip(huge) : huge, file: "huge")
        }
        let overflowing = idxFile(dimensions: [.max, .max, .max], body: Self.pixels)
        expectDataError(.badHeader, containing: "more bytes than memory can address") {
            _ = try IDX.images(bytes: compressed ? try gzip(overflowing) : overflowing, file: "overflow")
        }
        let manyLabels = idxFile(dimensions: [.max], body: Self.labelBytes)
        expectDataError(.truncated, containing: "4294967295 labels") {
            _ = try IDX.labels(bytes: compressed ? try gzip(manyLabels) : manyLabels, file: "labels")
        }
    }

    @Test("a gzip file whose data inflate beyond the header throws .extraData")
    func zipBomb() throws {
        let bomb = try gzip(Self.imageFile + Array(repeating: 0, count: 4 << 20))
        #expect(bomb.count < 10_000)
        expectDataError(.extraData) { _ = try IDX.images(bytes: bomb, file: "bomb") }
    }

    @Test("corrupt gzip streams throw .corruptCompression")
    func corruptCompression() throws {
        let stream = try gzip(Self.imageFile)
        var badChecksum = stream
        badChecksum[stream.count - 6] ^= 0xFF  // the CRC-32 in the trailer
        expectDataError(.corruptCompression, containing: "gzip stream corrupt") { _ = try IDX.images(bytes: badChecksum, file: "crc") }
        var badMethod = stream
        badMethod[2] = 7  // compression method: only 8 (deflate) exists
        expectDataError(.corruptCompression) { _ = try IDX.images(bytes: badMethod, file: "method") }
        expectDataError(.corruptCompression, containing: "trailing data") {
            _ = try IDX.images(bytes: stream + [1, 2, 3], file: "trailing")
        }
        let twoMembers = try gzip(Array(Self.imageFile.prefix(20))) + gzip(Array(Self.imageFile.dropFirst(20)))
        expectExact(try IDX.images(bytes: twoMembers, file: "members"))
    }

    @Test("labels outside 0..<classCount throw .badValue")
    func labelRange() {
        var file = Self.labelFile
        file[9] = 12
        expectDataError(.badValue, containing: "label 12 outside 0..<10") { _ = try IDX.labels(bytes: file, file: "labels") }
        #expect(throws: Never.self) { _ = try IDX.labels(bytes: file, file: "labels", classCount: 13) }
    }

    @Test("a missing file and a directory throw .unreadable")
    func unreadable() throws {
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        expectDataError(.unreadable, containing: "No such file") { _ = try IDX.images(contentsOf: directory + "/none") }
        expectDataError(.unreadable, containing: "not a regular file") { _ = try IDX.images(contentsOf: directory) }
        expectDataError(.unreadable) { _ = try IDX.labels(contentsOf: "/dev/zero") }
    }
}
