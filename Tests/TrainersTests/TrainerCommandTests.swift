import Foundation
import Testing

@Suite("The example trainers run end to end in quick mode", .serialized)
struct TrainerCommandTests {
    @Test("netbp trains the ten points, reports the scaled cost, classifies, plots and ends with JSON")
    func netbpQuickRun() throws {
        let folder = try temporaryFolder()
        let run = try runTrainer("netbp", ["--steps", "4000", "--report-every", "1000", "--plot", folder + "/cost.svg", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        for step in [0, 1000, 2000, 3000, 4000] {
            #expect(run.standardOutput.contains("step \(step): scaled cost"), "missing the cost at step \(step)")
        }
        #expect(run.standardOutput.contains("of 10 points classified correctly"))
        let json = try #require(run.json)
        #expect(json["trainer"] as? String == "netbp")
        let initial = try #require(json["initial_scaled_cost"] as? Double)
        let final = try #require(json["final_scaled_cost"] as? Double)
        #expect(initial > 3 && initial < 10, "the seeds start near 5.3; got \(initial)")
        #expect(final.isFinite && final > 0)
        let svg = try String(contentsOfFile: folder + "/cost.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
    }

    @Test("bad flags give a clear message and exit status 64", arguments: [
        ("netbp", ["--steps", "many"], "expected an integer"),
        ("netbp", ["--colour"], "unknown option '--colour'"),
        ("mlp", ["--hidden", "0,x"], "expected positive widths"),
        ("mlp", ["--hidden="], "expected positive widths"),
        ("mlp", ["--hidden", ",,"], "expected positive widths"),
        ("mlp", ["--hidden", "64,,32"], "expected positive widths"),
        ("cnn", ["--recipe", "fast"], "expected one of adam, sgd-momentum"),
        ("cnn", ["--epochs"], "needs a value"),
        ("cnn", ["--augment", "--no-augment"], "contradict each other"),
    ])
    func badFlags(_ program: String, _ arguments: [String], _ message: String) throws {
        let run = try runTrainer(program, arguments)
        #expect(run.status == 64)
        #expect(run.standardError.contains(message), "\(run.standardError)")
    }

    @Test("--help lists every option", arguments: ["netbp", "mlp", "cnn"])
    func help(_ program: String) throws {
        let run = try runTrainer(program, ["--help"])
        #expect(run.status == 0)
        for option in ["--seed", "--threads", "--json", "--help"] { #expect(run.standardOutput.contains(option)) }
    }

    @Test("missing data says which file and which command fetches it")
    func missingData() throws {
        let run = try runTrainer("cnn", ["--data", "/nonexistent/fashion"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("/nonexistent/fashion"), "\(run.standardError)")
        #expect(run.standardError.contains("scripts/fetch-datasets.sh"))
    }

    @Test("cnn trains on a tiny dataset, writes history, plots and a checkpoint, and resumes from it")
    func cnnQuickRunAndResume() throws {
        let data = try temporaryFolder(), out = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 12, test: 6)
        let arguments = ["--dataset", "mnist", "--data", data, "--batch", "4", "--validation", "2", "--out", out, "--threads", "1"]
        let first = try runTrainer("cnn", arguments + ["--epochs", "1", "--json"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("test accuracy"))
        #expect(first.standardOutput.contains("rows: predicted class, columns: true class"))
        let json = try #require(first.json)
        #expect(json["trainer"] as? String == "cnn" && json["epochs"] as? Int == 1)
        #expect(json["steps"] as? Int == 3 && json["compiled_steps"] as? Int == 0, "10 images in batches of 4, 4, 2: each shape traced or checked")
        for file in ["history.csv", "loss.svg", "error.svg", "confusion.svg", "checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) missing")
        }
        // Training longer: cnn's recipes do not depend on --epochs, so 1 epoch resumed to 2 is the 2-epoch run.
        let resumed = try runTrainer("cnn", arguments + ["--epochs", "2", "--resume", out + "/checkpoint.safetensors"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resumed from"))
        #expect(resumed.standardOutput.contains("Epoch 2/2"))
        let history = try String(contentsOfFile: out + "/history.csv", encoding: .utf8)
        #expect(history.split(separator: "\n").count == 3, "header and two epochs expected:\n\(history)")
        let straightOut = try temporaryFolder()
        let straight = try runTrainer("cnn", ["--dataset", "mnist", "--data", data, "--batch", "4", "--validation", "2", "--out", straightOut,
                                              "--threads", "1", "--epochs", "2"])
        #expect(straight.status == 0, "\(straight.standardError)")
        #expect(try checkpointTensorBytes(out + "/checkpoint.safetensors") == checkpointTensorBytes(straightOut + "/checkpoint.safetensors"),
                "parameters, optimiser state, generator and progress must match bit for bit")
    }

    @Test("--resume with a setting that would change the result stops and names it; --allow-changed-settings goes on")
    func resumeWithChangedSettings() throws {
        let data = try temporaryFolder(), fashion = try temporaryFolder(), out = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 40, test: 10)
        try writeTinyIDXDataset(to: fashion, training: 40, test: 10, label: { 1 - $0 % 2 })
        let settings = ["--dataset": "mnist", "--data": data, "--epochs": "2", "--batch": "8", "--validation": "4", "--hidden": "16",
                        "--lr": "0.01", "--seed": "1", "--threads": "1"]
        func arguments(_ changes: [String: String]) -> [String] {
            settings.merging(changes) { $1 }.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        }
        let first = try runTrainer("mlp", arguments(["--out": out]))
        #expect(first.status == 0, "\(first.standardError)")
        let resume = ["--resume": out + "/checkpoint.safetensors"]
        let changes: [([String: String], [String])] = [
            (["--epochs": "4"], ["--epochs: 2 in the checkpoint, 4 now", "learning rate schedule"]),
            (["--seed": "2"], ["--seed", "training data"]),
            (["--batch": "4"], ["--batch", "batch size: 8 in the checkpoint, 4 now"]),
            (["--lr": "0.02"], ["--lr"]),
            (["--dataset": "fashion-mnist", "--data": fashion], ["--dataset: mnist in the checkpoint, fashion-mnist now", "training data"]),
        ]
        for (change, mentions) in changes {
            let run = try runTrainer("mlp", arguments(change.merging(resume) { $1 }))
            #expect(run.status == 64, "\(change): \(run.standardOutput)")
            for text in mentions + ["--allow-changed-settings"] {
                #expect(run.standardError.contains(text), "\(change): '\(text)' missing from \(run.standardError)")
            }
            #expect(!run.standardOutput.contains("Epoch"), "\(change): nothing may be trained")
        }
        let allowed = try runTrainer("mlp", arguments(["--epochs": "4"].merging(resume) { $1 }) + ["--allow-changed-settings"])
        #expect(allowed.status == 0, "\(allowed.standardError)")
        #expect(allowed.standardOutput.contains("Epoch 4/4"))
    }

    @Test("mlp trains on a tiny dataset and ends with JSON")
    func mlpQuickRun() throws {
        let data = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 40, test: 10)
        let run = try runTrainer("mlp", ["--data", data, "--epochs", "10", "--batch", "8", "--validation", "4", "--hidden", "16", "--lr", "0.01", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try #require(run.json)
        let accuracy = try #require(json["test_accuracy"] as? Double)
        #expect(accuracy == 1, "two patterns this distinct must all be told apart; got \(accuracy)")
        // 36 training images in batches of 8: 5 steps per epoch, two shapes, each traced and checked once.
        #expect(json["steps"] as? Int == 50 && json["compiled_steps"] as? Int == 46)
        #expect((json["step_images_per_second"] as? Double ?? 0) > 0)
    }

    @Test("a run stopped by a guard exits non-zero, says why on standard error and writes no results")
    func guardStopFails() throws {
        let data = try temporaryFolder(), out = try temporaryFolder()
        // Labels that the patterns do not tell: no model can fit them, and Adam at η = 10 diverges.
        try writeTinyIDXDataset(to: data, training: 40, test: 10, label: { $0 / 2 % 2 })
        let run = try runTrainer("mlp", ["--data", data, "--epochs", "3", "--batch", "8", "--validation", "4", "--hidden", "16",
                                         "--lr", "10", "--out", out, "--json"])
        #expect(run.status == 1, "\(run.standardOutput)")
        #expect(run.standardError.contains("training stopped") && run.standardError.contains("diverged"), "\(run.standardError)")
        #expect(run.json == nil, "no results line after a stopped run")
        #expect(!FileManager.default.fileExists(atPath: out + "/history.csv"))
    }

    @Test("a hidden layer too large for the machine's memory is refused before anything is allocated")
    func hugeHiddenLayer() throws {
        let data = try temporaryFolder()
        try writeTinyIDXDataset(to: data, training: 12, test: 4)
        let run = try runTrainer("mlp", ["--data", data, "--hidden", "99999999999"])
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains("'--hidden 99999999999'") && run.standardError.contains("more than this machine's memory"),
                "\(run.standardError)")
    }

    @Test("a dataset without training images says which; without test images the JSON has null results")
    func emptyDatasets() throws {
        let noTraining = try temporaryFolder(), noTest = try temporaryFolder()
        try writeTinyIDXDataset(to: noTraining, training: 0, test: 4)
        let run = try runTrainer("mlp", ["--data", noTraining, "--hidden", "8"])
        #expect(run.status == 1 && run.standardError.contains(noTraining) && run.standardError.contains("no training images"),
                "\(run.status): \(run.standardError)")

        try writeTinyIDXDataset(to: noTest, training: 20, test: 0)
        let json = try runTrainer("mlp", ["--data", noTest, "--hidden", "8", "--epochs", "1", "--validation", "4", "--json"])
        #expect(json.status == 0, "\(json.standardError)")
        #expect(json.standardOutput.contains("no test images"))
        let results = try #require(json.json)
        #expect(results["test_accuracy"] is NSNull && results["epochs"] as? Int == 1, "\(results)")
    }

    @Test("an --out folder that cannot be written is refused before training, in words")
    func unwritableOut() throws {
        let data = try temporaryFolder(), file = try temporaryFolder() + "/file"
        try writeTinyIDXDataset(to: data, training: 12, test: 4)
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        for (out, reason) in [("/proc", "cannot create files in it"), (file + "/run", "cannot create the folder")] {
            let run = try runTrainer("mlp", ["--data", data, "--hidden", "8", "--out", out])
            #expect(run.status == 1, "\(out): \(run.standardError)")
            #expect(run.standardError.contains("--out \(out): \(reason)"), "\(run.standardError)")
            #expect(!run.standardError.contains("NSCocoaErrorDomain") && !run.standardOutput.contains("Epoch"), "\(run.standardError)")
        }
    }

    @Test("a plot that cannot be written is reported in words")
    func unwritablePlot() throws {
        let run = try runTrainer("netbp", ["--steps", "10", "--report-every", "5", "--plot", "/nonexistent/cost.svg"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("/nonexistent/cost.svg") && run.standardError.contains("No such file or directory")
                    && !run.standardError.contains("NSCocoaErrorDomain"), "\(run.standardError)")
    }
}
