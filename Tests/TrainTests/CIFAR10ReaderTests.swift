import Autograd
import Foundation
import Testing
import Train

@Suite("CIFAR-10 reader")
struct CIFAR10ReaderTests {
    @Test("the 20 real test images: labels, NHWC layout and pixels equal the file's bytes")
    func realImages() throws {
        let path = try fixture("cifar10-test-first20.bin")
        let bytes = try contents(of: path)
        let dataset = try CIFAR10.dataset(contentsOf: path)
        #expect(dataset.labels == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9, 5, 7, 9, 8, 5, 7, 8, 6])
        #expect(dataset.images.shape == [20, 32, 32, 3])
        #expect(dataset.classCount == 10 && CIFAR10.classNames[dataset.labels[0]] == "cat")
        // The file: per image a label byte, then the red, green and blue planes, each 32×32 row-major.
        func fileByte(image: Int, row: Int, column: Int, channel: Int) -> Int {
            Int(bytes[image * 3073 + 1 + channel * 1024 + row * 32 + column])
        }
        for (image, row, column, channel) in [(0, 0, 0, 0), (0, 0, 0, 2), (0, 31, 31, 1), (7, 5, 30, 2), (19, 16, 3, 0)] {
            #expect(byte(dataset.images[image, row, column, channel]) == fileByte(image: image, row: row, column: column, channel: channel))
        }
        // NHWC: the three channels of one pixel are neighbours in memory.
        let scalars = dataset.images.scalars
        for (image, row, column) in [(2, 10, 11), (13, 0, 31)] {
            let offset = ((image * 32 + row) * 32 + column) * 3
            #expect(scalars[offset..<offset + 3].map(byte) == (0..<3).map { fileByte(image: image, row: row, column: column, channel: $0) })
        }
        var all = [UInt8]()
        for image in 0..<20 { for row in 0..<32 { for column in 0..<32 { for channel in 0..<3 {
            all.append(UInt8(fileByte(image: image, row: row, column: column, channel: channel)))
        } } } }
        expectPixels(scalars, equal: all)
    }

    @Test("a gzip-compressed batch reads the same")
    func compressed() throws {
        let bytes = try contents(of: fixture("cifar10-test-first20.bin"))
        let plain = try CIFAR10.dataset(bytes: bytes, file: "plain")
        let packed = try CIFAR10.dataset(bytes: gzip(bytes), file: "packed")
        #expect(plain.images == packed.images && plain.labels == packed.labels)
    }

    @Test("a truncated record, an empty file and a bad label throw")
    func broken() throws {
        let bytes = try contents(of: fixture("cifar10-test-first20.bin"))
        expectDataError(.truncated, containing: "61459 bytes hold 19 whole records of 3073 bytes and 3072 bytes of another") {
            _ = try CIFAR10.dataset(bytes: Array(bytes.dropLast()), file: "cut")
        }
        expectDataError(.truncated, containing: "empty") { _ = try CIFAR10.dataset(bytes: [], file: "empty") }
        var badLabel = bytes
        badLabel[3 * 3073] = 12
        expectDataError(.badValue, containing: "label 12 outside 0..<10 (item 3)") { _ = try CIFAR10.dataset(bytes: badLabel, file: "label") }
        expectDataError(.truncated) { _ = try CIFAR10.dataset(bytes: gzip(Array(bytes.prefix(3073 * 2 + 5))), file: "cut.gz") }
    }

    @Test("a CIFAR-10 folder loads five training batches and the test batch")
    func folder() throws {
        let bytes = try contents(of: fixture("cifar10-test-first20.bin"))
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let folder = directory + "/cifar-10-batches-bin"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for batch in 1...5 { try write(Array(bytes[(batch - 1) * 3 * 3073..<batch * 3 * 3073]), to: folder + "/data_batch_\(batch).bin") }
        try write(Array(bytes.dropFirst(15 * 3073)), to: folder + "/test_batch.bin")
        let splits = try Datasets.cifar10(directory: directory)
        let whole = try CIFAR10.dataset(bytes: bytes, file: "whole")
        #expect(splits.training.count == 15 && splits.test.count == 5)
        #expect(splits.training.labels + splits.test.labels == whole.labels)
        #expect(splits.training.images.scalars + splits.test.images.scalars == whole.images.scalars)
        let stored = try Datasets.cifar10Bytes(directory: directory)
        #expect(stored.training.imageShape == [32, 32, 3] && stored.training.labels + stored.test.labels == whole.labels)
        #expect(stored.training.floatDataset.images.scalars + stored.test.floatDataset.images.scalars == whole.images.scalars)
        try FileManager.default.removeItem(atPath: folder + "/data_batch_4.bin")
        expectDataError(.unreadable, containing: "data_batch_4.bin") { _ = try Datasets.cifar10(directory: folder) }
    }
}
