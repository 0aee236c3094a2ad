import Autograd
import Foundation
import Testing
import Train

/// A safetensors file built by hand: the 8-byte little-endian length, `header` padded with
/// spaces to a multiple of 8, then `data`.
func handBuiltFile(_ header: String, data: [UInt8]) -> [UInt8] {
    var json = Array(header.utf8)
    json += Array(repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
    return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
}

@Suite("safetensors files")
struct SafeTensorsTests {
    static func sample() -> SafeTensors {
        var generator = SeededGenerator(seed: 1)
        var file = SafeTensors(metadata: ["note": "quote \" backslash \\ newline \n tab \t é ✓ 🙂 \u{01}", "epochs": "30"])
        file.append(StoredTensor(Tensor<Float>(randomNormal: [3, 2], using: &generator)), named: "layer1/weight")
        file.append(StoredTensor(Tensor<Double>(randomNormal: [5], using: &generator)), named: "layer1/bias")
        file.append(StoredTensor(Tensor<Float>(2.5)), named: "scalar")
        file.append(StoredTensor(Tensor<Float>.zeros([0, 3])), named: "empty")
        file.append(StoredTensor([Int64.min, -1, 0, Int64.max], shape: [2, 2]), named: "integers")
        file.append(StoredTensor(SeededGenerator(seed: 7).stateWords), named: "rng")
        return file
    }

    @Test("F32, F64, I64, U64 tensors and metadata survive a round trip through a file")
    func roundTrip() throws {
        let original = Self.sample()
        let directory = try scratchDirectory()
        defer { removeScratch(directory) }
        let path = directory + "/model.safetensors"
        try original.write(to: path)
        #expect(try contents(of: path) == original.encoded())
        let read = try SafeTensors(contentsOf: path)
        #expect(read.names == original.names && read.metadata == original.metadata)
        for name in original.names { #expect(read[name] == original[name], "\(name)") }
        #expect(try read.tensor("layer1/weight", as: Float.self) == original.tensor("layer1/weight", as: Float.self))
        #expect(try read.tensor("layer1/bias", as: Double.self, shape: [5]).scalars.count == 5)
        #expect(try read.tensor("scalar", as: Float.self).scalar == 2.5)
        #expect(try read.int64s("integers") == [Int64.min, -1, 0, Int64.max] && read["integers"]?.shape == [2, 2])
        #expect(try read.uint64s("rng") == SeededGenerator(seed: 7).stateWords)
        #expect(try read.tensor("empty", as: Float.self).shape == [0, 3])
    }

    @Test("the written bytes follow the format, as an independent JSON parser reads them")
    func formatCompliance() throws {
        let bytes = Self.sample().encoded()
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        #expect((8 + length) % 8 == 0, "data aligned to 8 bytes")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any])
        let weight = try #require(header["layer1/weight"] as? [String: Any])
        #expect(weight["dtype"] as? String == "F32" && weight["shape"] as? [Int] == [3, 2] && weight["data_offsets"] as? [Int] == [0, 24])
        let rng = try #require(header["rng"] as? [String: Any])
        #expect(rng["dtype"] as? String == "U64")
        let offsets = try #require(rng["data_offsets"] as? [Int])
        let words = (0..<4).map { word in
            bytes[8 + length + offsets[0] + 8 * word..<8 + length + offsets[0] + 8 * word + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        #expect(words == SeededGenerator(seed: 7).stateWords)
        #expect((header["__metadata__"] as? [String: String])?["epochs"] == "30")
        #expect(offsets[1] == bytes.count - 8 - length, "the last tensor ends the file")
    }

    @Test("hand-built files load, whatever the header's key order and spacing")
    func handBuilt() throws {
        let data = withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init) + withUnsafeBytes(of: Float(-2).bitPattern.littleEndian, Array.init)
        let minimal = try SafeTensors(decoding: handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: data))
        #expect(try minimal.tensor("w", as: Float.self).scalars == [1.5, -2])
        #expect(minimal.metadata.isEmpty)

        let shuffled = """
            {"b" : {"data_offsets":[8,10], "shape":[2], "dtype":"U8"},
             "__metadata__": {"k": "v\\u00e9\\ud83d\\ude42"},
             "a": {"shape": [], "dtype": "F64", "data_offsets": [0, 8]}}
            """
        let bytes = withUnsafeBytes(of: Double(0.25).bitPattern.littleEndian, Array.init) + [7, 9]
        let file = try SafeTensors(decoding: handBuiltFile(shuffled, data: bytes))
        #expect(file.names == ["a", "b"], "tensors come in data order")
        #expect(try file.tensor("a", as: Double.self).scalar == 0.25 && file["b"]?.bytes == [7, 9] && file["b"]?.dtype == .uint8)
        #expect(file.metadata == ["k": "vé🙂"])
    }

    @Test("corrupt headers, offsets, dtypes and sizes throw the matching error")
    func corrupt() {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [([UInt8], CheckpointProblem, String)] = [
            ([1, 0, 0], .truncated, "fewer than the 8-byte header length"),
            (eight + [UInt8](repeating: 0, count: 8), .badHeader, "bad header length 0"),
            ([0, 0, 0, 0, 0, 0, 0, 0x80] + Array("{}".utf8), .badHeader, "bad header length 9223372036854775808"),
            ([64, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8), .truncated, "header length 64 but only 8 bytes follow"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"#, data: eight), .badHeader, "not valid JSON"),
            (handBuiltFile(#" {"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight), .badHeader, "does not start with {"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} x"#, data: eight), .badHeader, "unexpected text"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{}}"#, data: eight), .badHeader, "duplicate key \"w\""),
            (handBuiltFile(#"{"a":"# + String(repeating: "[", count: 100_000), data: eight), .badHeader, "nested deeper"),
            (handBuiltFile(#"["w"]"#, data: eight), .badHeader, "does not start with {"),
            (handBuiltFile(#"{"__metadata__":{"a":1}}"#, data: []), .badHeader, "\"a\" is a number, not a string"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: eight), .truncated, "ends at data byte 16 but the file holds 8"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: eight + [0]), .badOffsets, "cover 8 data bytes but the file holds 9"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: eight + eight), .badOffsets, "leave a gap"),
            (handBuiltFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: eight + eight),
             .badOffsets, "overlap"),
            (handBuiltFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#, data: eight + eight + eight),
             .badOffsets, "gap"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: eight), .badOffsets, "begin ≤ end"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: eight), .badOffsets, "not [begin, end]"),
            (handBuiltFile(#"{"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: eight), .badEntry, "unknown dtype \"F33\""),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight), .badEntry, "not a non-negative integer"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, data: eight), .badEntry, "shape holds 2.0"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}"#, data: eight), .badEntry, "not an array"),
            (handBuiltFile(#"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, data: eight), .badEntry, "expected exactly dtype, shape and data_offsets"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}"#, data: eight), .badEntry, "expected exactly"),
            (handBuiltFile(#"{"w":[]}"#, data: []), .badEntry, "is an array, not an object"),
            (handBuiltFile(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight), .sizeMismatch,
             "data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12"),
            (handBuiltFile(#"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: eight), .sizeMismatch, "more than memory holds"),
        ]
        for (bytes, kind, message) in cases {
            expectCheckpointError(kind, containing: message) { _ = try SafeTensors(decoding: bytes, file: "case") }
        }
        let valid = Self.sample().encoded()
        expectCheckpointError(.truncated) { _ = try SafeTensors(decoding: Array(valid.dropLast()), file: "cut") }
        expectCheckpointError(.truncated) { _ = try SafeTensors(decoding: Array(valid.prefix(40)), file: "cut") }
    }

    @Test("an error about a tensor's entry names the tensor, not its dtype")
    func errorsNameTheTensor() {
        let eight = [UInt8](repeating: 0, count: 8)
        let cases: [(String, CheckpointProblem)] = [
            (#"{"weights":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, .sizeMismatch),
            (#"{"weights":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, .badOffsets),
            (#"{"weights":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, .badOffsets),
        ]
        for (header, kind) in cases {
            expectCheckpointError(kind, containing: "tensor \"weights\"") { _ = try SafeTensors(decoding: handBuiltFile(header, data: eight), file: "case") }
        }
    }

    @Test("asking for the wrong dtype, shape or name throws")
    func wrongRequests() throws {
        let file = try SafeTensors(decoding: Self.sample().encoded(), file: "model.safetensors")
        expectCheckpointError(.dtypeMismatch, containing: "\"layer1/bias\" is stored as F64, not F32") { _ = try file.tensor("layer1/bias", as: Float.self) }
        expectCheckpointError(.dtypeMismatch) { _ = try file.uint64s("integers") }
        expectCheckpointError(.shapeMismatch, containing: "has shape [3, 2], expected [2, 3]") { _ = try file.tensor("layer1/weight", as: Float.self, shape: [2, 3]) }
        expectCheckpointError(.missing, containing: "no tensor \"layer2/weight\"") { _ = try file.tensor("layer2/weight", as: Float.self) }
        expectCheckpointError(.missing) { _ = try file.metadata("absent") }
        expectCheckpointError(.unreadable) { _ = try SafeTensors(contentsOf: "/nonexistent/model.safetensors") }
    }

    @Test("200 random flips and cuts of a valid file never crash")
    func fuzz() {
        let valid = Self.sample().encoded()
        var generator = SeededGenerator(seed: 99)
        var refused = 0
        for trial in 0..<200 {
            var bytes = valid
            if trial % 3 == 0 {
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            } else {
                // Mostly the header, where the structure is.
                let range = trial % 3 == 1 ? 0..<min(bytes.count, 400) : 0..<bytes.count
                bytes[Int.random(in: range, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            do {
                _ = try SafeTensors(decoding: bytes, file: "fuzz")
            } catch is CheckpointError {
                refused += 1
            } catch {
                Issue.record("threw \(error), not a CheckpointError")
            }
        }
        #expect(refused >= 67, "every cut must be refused")
    }
}
