import Autograd
import Foundation
import Layers
import Train

/// The `resnet` trainer: ResNet-20 with batch normalisation (He et al. 2016, §4.2; the peers'
/// `resnet.py`) on Fashion-MNIST, MNIST or CIFAR-10, with the ResNet-CIFAR recipe: SGD with
/// momentum 0.9, learning rate 0.1, batch 128, weight decay 5e-4 on the weights (not on biases
/// nor BatchNorm's scales and shifts), random crops with 4 pixels of padding and horizontal
/// flips, and a cosine or step schedule over 30 epochs.
public enum ResNetTrainer {
    /// The command-line options.
    public static let optionSpecs: [OptionSpec] = [
        .value("dataset", default: "fashion-mnist", placeholder: "NAME", help: "fashion-mnist or mnist (28×28), or cifar10 (32×32, needs --data)"),
        .value("schedule", default: "cosine", placeholder: "NAME",
               help: "cosine: from --lr to 0 over the epochs, step by step; step: --lr × 0.1 after half and × 0.01 after three quarters of the epochs"),
        .value("lr", default: "0.1", placeholder: "η", help: "initial learning rate of SGD with momentum 0.9 and weight decay 5e-4 (weights only)"),
        .value("width", default: "16", placeholder: "N", help: "channels of the first stage (then 2N and 4N); less for quick runs"),
    ] + augmentationOptionSpecs(byDefault: true) + commonImageOptionSpecs

    /// Runs the `resnet` command line; with `launch`, as one process of a data-parallel run.
    public static func main(launch: DataParallelLaunch? = nil) -> Never {
        runTrainer(program: "resnet", summary: "Trains ResNet-20 with BatchNorm on Fashion-MNIST, MNIST or CIFAR-10 (SGD with momentum, weight decay, augmentation).",
                   specs: optionSpecs, launch: launch) { arguments in
            let settings = try ImageTrainerSettings(arguments, datasets: [.fashionMNIST, .mnist, .cifar10])
            let scheduleName = try arguments.choice("schedule", among: ["cosine", "step"])
            let learningRate = try arguments.number("lr", in: 1e-9...10)
            let width = try arguments.integer("width", in: 1...1024)
            let epochs = settings.epochs ?? 30
            let schedule: any LearningRateSchedule = scheduleName == "cosine"
                ? CosineDecayLearningRate(initial: learningRate, epochs: epochs)
                : PiecewiseConstantLearningRate.resNetSteps(initial: learningRate, epochs: epochs)
            try settings.trainImageClassifier("resnet", title: "ResNet-20" + (width == 16 ? "" : " of width \(width)") + " (\(scheduleName))",
                                              recipe: "sgd-\(scheduleName)", epochs: epochs, batchSize: settings.batchSize ?? 128, side: nil,
                                              augmentsByDefault: true, flags: ["--schedule": scheduleName, "--lr": String(learningRate),
                                                                               "--width": String(width), "--epochs": String(epochs)],
                                              launch: launch) { run, generator in
                let model = Sequential<Float>.resNet20(inputChannels: run.data.training.imageShape[2], classCount: run.data.classNames.count,
                                                       width: width, using: &generator)
                return try run.train(model, optimizer: Momentum<Float>(learningRate: learningRate, momentum: 0.9, weightDecay: .coupled(5e-4)),
                                     schedule: schedule)
            }
        }
    }
}

extension PiecewiseConstantLearningRate {
    /// The ResNet paper's steps as fractions of a run of `epochs`: `initial` up to half of them,
    /// `initial` × 0.1 up to three quarters, `initial` × 0.01 after (He et al. divide by 10 at
    /// 32k and 48k of 64k iterations). The first stage lasts at least one epoch; a stage that
    /// rounds to no epoch is skipped (its division still counts, as with PyTorch's `MultiStepLR`).
    static func resNetSteps(initial: Double, epochs: Int) -> PiecewiseConstantLearningRate {
        let half = max(1, epochs / 2), threeQuarters = max(half, epochs * 3 / 4)
        let stages = [(half, initial), (threeQuarters - half, initial * 0.1), (max(1, epochs - threeQuarters), initial * 0.01)]
        return PiecewiseConstantLearningRate(stages.filter { $0.0 > 0 }.map { (epochs: $0.0, rate: $0.1) })
    }
}
