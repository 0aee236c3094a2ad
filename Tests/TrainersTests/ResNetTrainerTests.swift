import Foundation
import Testing
@testable import Trainers
import Train

@Suite("The resnet trainer runs end to end in quick mode", .serialized)
struct ResNetTrainerTests {
    /// A narrow ResNet-20 (width 2) on 8×8 images: about a second a run in debug.
    static let quick = ["--dataset", "mnist", "--width", "2", "--batch", "4", "--validation", "2", "--threads", "1"]

    @Test("trains, writes history, plots and a checkpoint with BatchNorm's state; stopped after an epoch and resumed, it ends as the run straight through")
    func quickRunAndResume() throws {
        let data = try temporaryFolder(), out = try temporaryFolder(), straightOut = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 12, test: 6, side: 8)
        let arguments = Self.quick + ["--data", data, "--epochs", "2"]
        let first = try runTrainer("resnet", arguments + ["--stop-after", "1", "--out", out, "--json"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("ResNet-20 of width 2 (cosine) on mnist") && first.standardOutput.contains("test accuracy"),
                "\(first.standardOutput)")
        let json = try #require(first.json)
        #expect(json["trainer"] as? String == "resnet" && json["recipe"] as? String == "sgd-cosine" && json["batch"] as? Int == 4)
        for file in ["history.csv", "loss.svg", "error.svg", "confusion.svg", "checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) missing")
        }
        let header = try checkpointHeader(out + "/checkpoint.safetensors")
        #expect(header.contains("stage3.block1.residual.shortcut.norm.runningMean") && header.contains("stem.norm.runningVariance"),
                "BatchNorm's running statistics belong to the checkpoint")

        let resumed = try runTrainer("resnet", arguments + ["--resume", out + "/checkpoint.safetensors", "--out", out])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resumed from") && resumed.standardOutput.contains("Epoch 2/2"), "\(resumed.standardOutput)")
        let history = try String(contentsOfFile: out + "/history.csv", encoding: .utf8)
        #expect(history.split(separator: "\n").count == 3, "header and two epochs expected:\n\(history)")

        let straight = try runTrainer("resnet", arguments + ["--out", straightOut])
        #expect(straight.status == 0, "\(straight.standardError)")
        #expect(try checkpointTensorBytes(out + "/checkpoint.safetensors") == checkpointTensorBytes(straightOut + "/checkpoint.safetensors"),
                "parameters, running statistics, velocities, generator and progress must match bit for bit")
    }

    @Test("--no-augment trains on other batches than the default --augment, and resuming across the switch is refused")
    func augmentationSwitch() throws {
        let data = try temporaryFolder(), augmented = try temporaryFolder(), plain = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 12, test: 4, side: 8)
        let arguments = Self.quick + ["--data", data, "--epochs", "1"]
        let first = try runTrainer("resnet", arguments + ["--out", augmented])
        let second = try runTrainer("resnet", arguments + ["--no-augment", "--out", plain])
        #expect(first.status == 0 && second.status == 0, "\(first.standardError)\(second.standardError)")
        #expect(try checkpointTensorBytes(augmented + "/checkpoint.safetensors") != checkpointTensorBytes(plain + "/checkpoint.safetensors"))
        let resumed = try runTrainer("resnet", arguments + ["--no-augment", "--epochs", "2", "--resume", augmented + "/checkpoint.safetensors"])
        #expect(resumed.status == 64 && resumed.standardError.contains("--augment: true in the checkpoint, absent now"), "\(resumed.standardError)")
    }

    @Test("--help lists the recipe's options")
    func help() throws {
        let run = try runTrainer("resnet", ["--help"])
        #expect(run.status == 0)
        for option in ["--schedule", "--lr", "--width", "--augment", "--no-augment", "--stop-after", "--seed", "--threads", "--json", "--help"] {
            #expect(run.standardOutput.contains(option), "\(option) missing")
        }
    }

    @Test("bad flags give a clear message and exit status 64", arguments: [
        (["--schedule", "linear"], "expected one of cosine, step"),
        (["--width", "0"], "expected an integer in 1...1024"),
        (["--augment", "--no-augment"], "contradict each other"),
        (["--dataset", "digits"], "expected one of fashion-mnist, mnist, cifar10"),
    ])
    func badFlags(_ arguments: [String], _ message: String) throws {
        let run = try runTrainer("resnet", arguments)
        #expect(run.status == 64)
        #expect(run.standardError.contains(message), "\(run.standardError)")
    }

    @Test("missing data says which folder and how to get it", arguments: [
        (["--data", "/nonexistent/fashion"], ["/nonexistent/fashion", "scripts/fetch-datasets.sh"]),
        (["--dataset", "cifar10"], ["no CIFAR-10 folder given", "pass --data DIR"]),
    ])
    func missingData(_ arguments: [String], _ mentions: [String]) throws {
        let run = try runTrainer("resnet", arguments)
        #expect(run.status == 1)
        for text in mentions { #expect(run.standardError.contains(text), "\(run.standardError)") }
    }

    @Test("the step schedule divides by 10 after half and after three quarters of the epochs, as MultiStepLR([E/2, 3E/4])",
          arguments: [(1, [0.1]), (2, [0.1, 0.001]), (4, [0.1, 0.1, 0.01, 0.001]), (7, [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001])])
    func stepSchedule(_ epochs: Int, _ rates: [Double]) {
        let schedule = PiecewiseConstantLearningRate.resNetSteps(initial: 0.1, epochs: epochs)
        let actual = (0..<epochs).map { schedule.learningRate(at: TrainingPosition(epoch: $0)) }
        #expect(zip(actual, rates).allSatisfy { abs($0 - $1) < 1e-12 } && actual.count == rates.count, "\(actual)")
    }
}
