import Autograd
import Foundation
import Layers
import Train

/// The `cnn` trainer: the seeds' CIFAR-10 CNN (seed 004 §7.4) with one of two recipes: `adam`
/// (Adam 1e-3, batch 32, 10 epochs, as the Keras example of the thesis, seed 000) or
/// `sgd-momentum` (SGD with momentum 0.9, batch 100, 45 epochs of step-decayed rates, as
/// Higham & Higham train it, seed 004).
public enum CNNTrainer {
    /// The command-line options.
    public static let optionSpecs: [OptionSpec] = [
        .value("dataset", default: "fashion-mnist", placeholder: "NAME",
               help: "fashion-mnist or mnist (28×28 padded to 32×32), or cifar10 (needs --data)"),
        .value("recipe", default: "adam", placeholder: "NAME",
               help: "adam: Adam 1e-3, batch 32, 10 epochs; sgd-momentum: SGD momentum 0.9, batch 100, 45 epochs, η 0.05/0.005/0.0005"),
        .flag("dropout", help: "seed 004's dropout: 0.15, 0.15, 0.15, 0.35, 0 in blocks 1–5"),
    ] + augmentationOptionSpecs(byDefault: false) + commonImageOptionSpecs

    /// Runs the `cnn` command line; with `launch`, as one process of a data-parallel run.
    public static func main(launch: DataParallelLaunch? = nil) -> Never {
        runTrainer(program: "cnn", summary: "Trains the seeds' CIFAR-10 CNN on CIFAR-10, Fashion-MNIST or MNIST.",
                   specs: optionSpecs, launch: launch) { arguments in
            let settings = try ImageTrainerSettings(arguments, datasets: [.fashionMNIST, .mnist, .cifar10])
            let recipe = try arguments.choice("recipe", among: ["adam", "sgd-momentum"])
            let usesMomentum = recipe == "sgd-momentum"
            let dropout = arguments.flag("dropout")
            try settings.trainImageClassifier("cnn", title: "CIFAR CNN (\(recipe))", recipe: recipe, epochs: settings.epochs ?? (usesMomentum ? 45 : 10),
                                              batchSize: settings.batchSize ?? (usesMomentum ? 100 : 32), side: 32, augmentsByDefault: false,
                                              flags: ["--recipe": recipe, "--dropout": String(dropout)], launch: launch) { run, generator in
                let model = Sequential<Float>.cifarCNN(inputChannels: run.data.training.imageShape[2],
                                                       dropoutRates: dropout ? [0.15, 0.15, 0.15, 0.35, 0] : [0, 0, 0, 0, 0], using: &generator)
                return usesMomentum
                    ? try run.train(model, optimizer: Momentum<Float>(learningRate: 0.05, momentum: 0.9),
                                    schedule: PiecewiseConstantLearningRate.highamCIFAR10)
                    : try run.train(model, optimizer: Adam<Float>(learningRate: 1e-3), schedule: nil)
            }
        }
    }
}
