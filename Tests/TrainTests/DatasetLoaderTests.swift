import Autograd
import Foundation
import Testing
import Train

@Suite("Dataset folders")
struct DatasetLoaderTests {
    /// Writes an MNIST-layout scratch folder of `trainCount` + `testCount` 28×28 images, gzip or
    /// plain (the caller removes it).
    static func idxFolder(trainCount: Int, testCount: Int, labelCount: Int? = nil, compressed: Bool) throws -> String {
        let directory = try scratchDirectory()
        for (name, count, seed) in [("train", trainCount, UInt64(5)), ("t10k", testCount, 6)] {
            let images = idxFile(dimensions: [UInt32(count), 28, 28], body: randomBytes(count * 784, seed: seed))
            let labels = idxFile(dimensions: [UInt32(labelCount ?? count)], body: randomBytes(labelCount ?? count, below: 9, seed: seed + 10))
            let suffix = compressed ? ".gz" : ""
            try write(compressed ? gzip(images) : images, to: "\(directory)/\(name)-images-idx3-ubyte\(suffix)")
            try write(compressed ? gzip(labels) : labels, to: "\(directory)/\(name)-labels-idx1-ubyte\(suffix)")
        }
        return directory
    }

    @Test("an MNIST-layout folder loads, plain or gzip", arguments: [false, true])
    func mnistFolder(compressed: Bool) throws {
        let directory = try Self.idxFolder(trainCount: 7, testCount: 3, compressed: compressed)
        defer { removeScratch(directory) }
        let splits = try Datasets.mnist(directory: directory)
        #expect(splits.training.images.shape == [7, 28, 28, 1] && splits.test.images.shape == [3, 28, 28, 1])
        #expect(splits.training.labels == randomBytes(7, below: 9, seed: 15).map(Int.init))
        expectPixels(splits.test.images.scalars, equal: randomBytes(3 * 784, seed: 6))
        let bytes = try Datasets.idxFolderBytes(directory)
        #expect(bytes.training.imageShape == [28, 28, 1] && bytes.training.labels == splits.training.labels)
        #expect(bytes.test.pixels == randomBytes(3 * 784, seed: 6))
        #expect(bytes.training.floatDataset.images.scalars == splits.training.images.scalars)
    }

    @Test("missing files and disagreeing counts throw")
    func brokenFolder() throws {
        let mismatched = try Self.idxFolder(trainCount: 4, testCount: 2, labelCount: 3, compressed: false)
        defer { removeScratch(mismatched) }
        expectDataError(.mismatch, containing: "3 labels for the 4 images") { _ = try Datasets.fashionMNIST(directory: mismatched) }
        expectDataError(.mismatch, containing: "3 labels for the 4 images") { _ = try Datasets.idxFolderBytes(mismatched) }
        let empty = try scratchDirectory()
        defer { removeScratch(empty) }
        expectDataError(.unreadable, containing: "train-images-idx3-ubyte or train-images-idx3-ubyte.gz not in") {
            _ = try Datasets.idxFolder(empty)
        }
    }

    @Test("the Fashion-MNIST test set from Debian's package, when installed",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")))
    func fashionMNISTLabels() throws {
        let labels = try IDX.labels(contentsOf: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
        #expect(labels.count == 10_000)
        #expect((0..<10).allSatisfy { label in labels.filter { $0 == label }.count == 1000 })
        #expect(labels.prefix(5) == [9, 2, 1, 1, 6])
    }
}
