import Foundation
import Autograd
import Testing
import Train

@Suite("A text as character ids, for language models")
struct TextCorpusTests {
    @Test("the vocabulary is the text's distinct bytes in order; ids and text convert both ways")
    func vocabularyAndIds() throws {
        let corpus = try TextCorpus(bytes: Array("to be, or not to be\n".utf8))
        #expect(corpus.vocabulary == Array("\n ,benort".utf8))
        #expect(corpus.ids.count == 20 && corpus.ids.prefix(3) == [8, 6, 1])
        #expect(corpus.text(of: corpus.ids) == "to be, or not to be\n")
        #expect(corpus.ids(of: "bee") == [3, 4, 4] && corpus.ids(of: "bed") == nil)
    }

    @Test("a given vocabulary keeps its ids; a byte outside it, or an empty text, throws naming it")
    func givenVocabulary() throws {
        let corpus = try TextCorpus(bytes: Array("Ay\n".utf8), vocabulary: TextCorpus.printableASCII)
        #expect(TextCorpus.printableASCII.count == 96 && corpus.vocabulary == TextCorpus.printableASCII)
        #expect(corpus.ids == [34, 90, 0])
        #expect(throws: DataError(.badValue, file: "<memory>", "byte 9 at offset 2 is not in the vocabulary of 96 characters")) {
            try TextCorpus(bytes: [65, 66, 9], vocabulary: TextCorpus.printableASCII)
        }
        #expect(throws: DataError(.empty, file: "<memory>", "the text holds no characters")) { try TextCorpus(bytes: []) }
        #expect(throws: DataError.self) { try TextCorpus(contentsOf: "/nonexistent/shakespeare.txt") }
    }

    @Test("the split holds out the end; windows are random slices whose targets are the next ids")
    func splitAndWindows() throws {
        let corpus = try TextCorpus(bytes: (0..<50).map { UInt8(48 + $0 % 40) })
        let (training, validation) = corpus.split(heldOutFraction: 0.1)
        #expect(training.count == 45 && validation.count == 5 && Array(training + validation) == corpus.ids)
        var generator = SeededGenerator(seed: 3)
        let (inputs, targets) = TextCorpus.windows(4, length: 6, from: training, using: &generator)
        #expect(inputs.shape == [4, 6] && targets.shape == [4, 6])
        let ids = Array(training)
        for row in 0..<4 {
            let window = Array(inputs.scalars[row * 6..<row * 6 + 6]), next = Array(targets.scalars[row * 6..<row * 6 + 6])
            let start = try #require((0..<(ids.count - 6)).first { Array(ids[$0..<$0 + 6]) == window })
            #expect(next == Array(ids[start + 1...start + 6]))
        }
        var again = SeededGenerator(seed: 3)
        #expect(TextCorpus.windows(4, length: 6, from: training, using: &again).inputs == inputs, "the same seed, the same windows")
    }

    @Test("Data.md's example on a file in Shakespeare's place: the peers' vocabulary, windows and their text")
    func dataDocExample() throws {
        let folder = try scratchDirectory()
        defer { removeScratch(folder) }
        let play = String(repeating: "O Romeo, Romeo! wherefore art thou Romeo?\n", count: 40)
        try Array(play.utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/shakespeare.txt")) }

        let corpus = try Datasets.shakespeare(file: folder + "/shakespeare.txt")
        let (training, validation) = corpus.split(heldOutFraction: 0.1)
        var generator = SeededGenerator(seed: 1)
        let (inputs, targets) = TextCorpus.windows(16, length: 128, from: training, using: &generator)
        let text = corpus.text(of: inputs.scalars.prefix(60))

        #expect(corpus.vocabulary == TextCorpus.printableASCII && corpus.ids.count == play.utf8.count)
        #expect(validation.count == play.utf8.count / 10 && inputs.shape == [16, 128] && targets.shape == [16, 128])
        #expect(text.count == 60 && play.contains(text))
    }
}
