import Foundation
import Testing

@Suite("The gpt trainer runs end to end in quick mode", .serialized)
struct GPTCommandTests {
    /// A quick run on the built-in sonnet, one thread, no generated text beyond a few characters.
    static let quick = ["--quick", "--threads", "1", "--generate", "12"]

    @Test("gpt --quick trains, reports nats per character, continues the prompt twice, writes files and ends with JSON")
    func quickRun() throws {
        let out = try temporaryFolder()
        let run = try runTrainer("gpt", Self.quick + ["--out", out, "--json", "--prompt", "Shall I"])
        #expect(run.status == 0, "\(run.standardError)")
        for text in ["Epoch 2/2", "char/s", "loss in nats per character", "greedy continuation of \"Shall I\":\nShall I", "sampled at temperature 0.8:\nShall I"] {
            #expect(run.standardOutput.contains(text), "'\(text)' missing from:\n\(run.standardOutput)")
        }
        let json = try #require(run.json)
        #expect(json["trainer"] as? String == "gpt" && json["epochs"] as? Int == 2 && json["steps_per_epoch"] as? Int == 4)
        let (train, validation) = (try #require(json["train_loss"] as? Double), try #require(json["val_loss"] as? Double))
        // 96 characters: an untrained model is near ln 96 ≈ 4.56 nats.
        #expect(train > 3 && train < 5.5 && validation > 3 && validation < 5.5, "\(train), \(validation)")
        #expect((json["greedy_sample"] as? String)?.utf8.count == 12)
        for file in ["history.csv", "loss.svg", "checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) missing")
        }
    }

    @Test("gpt --resume after one epoch gives the two-epoch run bit for bit")
    func resume() throws {
        let out = try temporaryFolder(), straightOut = try temporaryFolder()
        let first = try runTrainer("gpt", Self.quick + ["--epochs", "1", "--out", out])
        #expect(first.status == 0, "\(first.standardError)")
        let resumed = try runTrainer("gpt", Self.quick + ["--epochs", "2", "--out", out, "--resume", out + "/checkpoint.safetensors"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resumed from") && resumed.standardOutput.contains("Epoch 2/2"))
        let straight = try runTrainer("gpt", Self.quick + ["--epochs", "2", "--out", straightOut])
        #expect(straight.status == 0, "\(straight.standardError)")
        #expect(try checkpointTensorBytes(out + "/checkpoint.safetensors") == checkpointTensorBytes(straightOut + "/checkpoint.safetensors"),
                "parameters, optimiser state, generator and progress must match bit for bit")
        let changed = try runTrainer("gpt", Self.quick + ["--epochs", "2", "--lr", "1e-3", "--resume", out + "/checkpoint.safetensors"])
        #expect(changed.status == 64)
        #expect(changed.standardError.contains("--lr") && changed.standardError.contains("--allow-changed-settings"), "\(changed.standardError)")
    }

    @Test("gpt --help lists its options")
    func help() throws {
        let run = try runTrainer("gpt", ["--help"])
        #expect(run.status == 0)
        for option in ["--data", "--steps", "--lr", "--prompt", "--temperature", "--quick", "--seed", "--threads", "--json", "--resume", "--help"] {
            #expect(run.standardOutput.contains(option), "\(option) missing")
        }
    }

    @Test("gpt names a missing text file and the command that fetches it; a prompt outside the vocabulary is named")
    func missingDataAndBadPrompt() throws {
        let missing = try runTrainer("gpt", ["--data", "/nonexistent/shakespeare.txt"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("/nonexistent/shakespeare.txt") && missing.standardError.contains("scripts/fetch-datasets.sh"),
                "\(missing.standardError)")
        let prompt = try runTrainer("gpt", Self.quick + ["--prompt", "née"])
        #expect(prompt.status == 1)
        #expect(prompt.standardError.contains("--prompt: byte 195 at offset 1"), "\(prompt.standardError)")
    }
}
