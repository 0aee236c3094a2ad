import Autograd
import Foundation
import Testing
import Train

@Suite("CSV reader")
struct CSVReaderTests {
    static let layout = CSVImageLayout(height: 2, width: 2, maximumValue: 16, classCount: 10)
    static let text = "0,16,8,4,3\r\n1.0, 2 ,3,4.5,9\n\n16,0,0,0,0\n"

    @Test("plain and gzip CSV rows read back exactly", arguments: [false, true])
    func roundTrip(compressed: Bool) throws {
        let bytes = Array(Self.text.utf8)
        let dataset = try CSVImages.dataset(bytes: compressed ? try gzip(bytes) : bytes, file: "rows", layout: Self.layout)
        #expect(dataset.labels == [3, 9, 0])
        #expect(dataset.images.shape == [3, 2, 2, 1])
        #expect(dataset.images.scalars == [0, 16, 8, 4, 1, 2, 3, 4.5, 16, 0, 0, 0].map { Float($0) / 16 })
    }

    @Test("bad fields, wrong column counts and out-of-range values throw")
    func broken() {
        let cases: [(String, DataProblem, String)] = [
            ("0,1,2,x,3\n", .badValue, "line 1: field 4 \"x\" is not a non-negative number"),
            ("0,1,2,3,3\n0,1,-2,3,3\n", .badValue, "line 2: field 3"),
            ("0,1,2,3,3\n0,1,,3,3\n", .badValue, "field 3"),
            ("0,1,2,3,3\n0,1,2e1,3,3\n", .badValue, "field 3"),
            ("0,1,nan,3,3\n", .badValue, "field 3 \"nan\""),
            ("0,1,inf,3,3\n", .badValue, "field 3 \"inf\""),
            ("0,1,1e999,3,3\n", .badValue, "field 3 \"1e999\""),
            ("0,1,2,3,3\n0,1,2,3\n", .badRow, "line 2: 4 fields, expected 5 (4 pixels, then the label)"),
            ("0,1,2,3,3,4\n", .badRow, "6 fields"),
            ("0,1,2,3,12\n", .badValue, "label 12.0 outside 0..<10"),
            ("0,1,2,3,2.5\n", .badValue, "label 2.5"),
            ("0,17,2,3,1\n", .badValue, "pixel 17.0 above the maximum 16.0"),
            ("\n\n", .truncated, "no rows"),
        ]
        for (text, kind, message) in cases {
            expectDataError(kind, containing: message) { _ = try CSVImages.dataset(bytes: Array(text.utf8), file: "rows", layout: Self.layout) }
        }
    }

    @Test("the real digits file, when the fetch script has stored it", .enabled(if: FileManager.default.fileExists(atPath: Datasets.cacheDirectory + "/digits.csv.gz")))
    func realDigits() throws {
        let digits = try Datasets.digits()
        #expect(digits.images.shape == [1797, 8, 8, 1])
        #expect(digits.labels.prefix(10) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(digits.images.scalars.max() == 1 && digits.images.scalars.min() == 0)
    }
}
