import Testing
import Autograd

/// Expects the standard error of a stopped child process to contain every fragment.
///
/// An exit test reports the location of the `#expect` line itself (its body is compiled into a
/// separate entry point), so the named forms are checked for the file name, not the line.
func expectMessage(_ result: ExitTest.Result?, contains fragments: [String],
                   sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return } // the exit expectation itself already failed
    let message = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(message.contains(fragment), "missing \"\(fragment)\" in:\n\(message.prefix(400))", sourceLocation: sourceLocation)
    }
}

/// The call site that the named forms (`file: #fileID`) put in their message.
let thisFile = "AutogradTests/ShapeErrorTests.swift:"

@Suite("Shape mismatches stop with the operation, both shapes and the caller")
struct ShapeErrorTests {
    @Test("add: the operator names the operation and both shapes")
    func addOperator() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([2, 3]) + Tensor<Double>.zeros([4])
        }
        expectMessage(result, contains: ["add: shapes [2, 3] and [4] are not broadcast-compatible"])
    }

    @Test("add: the named form adding(_:file:line:) also names the caller's file")
    func addNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>.zeros([2, 3]).adding(Tensor<Float>.zeros([3, 2]))
        }
        expectMessage(result, contains: [thisFile, "add: shapes [2, 3] and [3, 2]"])
    }

    @Test("multiply inside a recording scope stops the same way")
    func multiplyWhileRecording() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradient(at: Tensor<Double>.ones([3])) { x in (x.multiplying(Tensor<Double>.ones([2]))).sum() }
        }
        expectMessage(result, contains: [thisFile, "multiply: shapes [3] and [2]"])
    }

    @Test("matmul: inner dimensions that do not chain")
    func matmulInnerDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Double>.zeros([2, 3]), Tensor<Double>.zeros([2, 4]))
        }
        expectMessage(result, contains: [thisFile, "matmul: shapes [2, 3] and [2, 4]", "inner dimensions 3 and 2"])
    }

    @Test("matmul: operands that are not matrices")
    func matmulRank() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Double>.zeros([3]), Tensor<Double>.zeros([3, 1]))
        }
        expectMessage(result, contains: [thisFile, "matmul: shapes [3] and [3, 1] must both be of rank 2 or more"])
    }

    @Test("reshape to a different element count, with an array of dimensions")
    func reshapeDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([2, 3]).reshaped(to: [4, -1])
        }
        expectMessage(result, contains: [thisFile, "reshape: shape [2, 3] (6 elements) cannot be viewed as [4, -1]"])
    }

    @Test("reshape to a different element count, with a Shape")
    func reshapeShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([2, 3]).reshaped(to: Shape([7]))
        }
        expectMessage(result, contains: [thisFile, "reshape: shapes [2, 3] and [7]"])
    }

    @Test("broadcast to a shape the tensor does not stretch to")
    func broadcast() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([2, 3]).broadcast(to: [3, 3])
        }
        expectMessage(result, contains: [thisFile, "broadcast: shapes [2, 3] and [3, 3]"])
    }

    @Test("causalSoftmax: the last two axes must be of one size")
    func causalSoftmaxSquare() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([2, 3, 4]).causalSoftmax()
        }
        expectMessage(result, contains: [thisFile, "causalSoftmax: shape [2, 3, 4] must end in two axes of one size"])
    }

    @Test("softmaxCrossEntropy: one label per row")
    func crossEntropyLabels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = softmaxCrossEntropy(logits: Tensor<Double>.zeros([4, 3]), labels: [0, 1, 2])
        }
        expectMessage(result, contains: [thisFile, "softmaxCrossEntropy: shapes [4, 3] and [3]"])
    }

    @Test("softmaxCrossEntropy: targets shaped like the logits")
    func crossEntropyTargets() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = softmaxCrossEntropy(logits: Tensor<Double>.zeros([4, 3]), probabilities: Tensor<Double>.zeros([4, 2]))
        }
        expectMessage(result, contains: [thisFile, "softmaxCrossEntropy: shapes [4, 3] and [4, 2]"])
    }

    @Test("softmaxCrossEntropy: a label outside the classes")
    func crossEntropyLabelRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = softmaxCrossEntropy(logits: Tensor<Double>.zeros([2, 3]), labels: [0, 3])
        }
        expectMessage(result, contains: [thisFile, "softmaxCrossEntropy: index 3 at [1] of indices [2] is outside 0..<3"])
    }

    @Test("gradient of a value that is not a single element")
    func gradientOfNonScalar() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradient(at: Tensor<Double>.ones([3])) { $0 * 2 }
        }
        expectMessage(result, contains: [thisFile, "gradient: the differentiated value has shape [3]"])
    }
}

@Suite("Bad indices of the indexing operations stop with the operation, the index and the caller")
struct IndexErrorTests {
    @Test("take: an index outside the axis")
    func take() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([5, 2]).taking(Tensor<Int32>([0, 7, 1]), alongAxis: 0)
        }
        expectMessage(result, contains: [thisFile, "take: index 7 at [1] of indices [3] is outside 0..<5"])
    }

    @Test("slice: bounds that are not a slice of the axis")
    func slice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([3, 5]).slice(alongAxis: 1, from: 2, to: 9)
        }
        expectMessage(result, contains: [thisFile, "slice: 2..<9 by 1 is not a slice of axis 1 of shape [3, 5]"])
    }

    @Test("subscript: an index outside its axis, and too many axes")
    func subscripts() async {
        let outside = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([3, 5])[.all, 5]
        }
        expectMessage(outside, contains: [thisFile, "subscript: index 5 is outside axis 1 of shape [3, 5]"])
        let tooMany = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>.zeros([3, 5])[0, .all, 1..<2]
        }
        expectMessage(tooMany, contains: [thisFile, "subscript: 3 axes named in a subscript of shape [3, 5]"])
    }

    @Test("matmul: batch axes that do not broadcast")
    func matmulBatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Double>.zeros([2, 3, 4]), Tensor<Double>.zeros([3, 4, 5]))
        }
        expectMessage(result, contains: [thisFile, "matmul: shapes [2, 3, 4] and [3, 4, 5] have batch axes that do not broadcast"])
    }

    @Test("concatenate: shapes that differ off the axis")
    func concatenation() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concatenate([Tensor<Double>.zeros([2, 3]), Tensor<Double>.zeros([3, 3])], alongAxis: 1)
        }
        expectMessage(result, contains: [thisFile, "concatenate: shapes [2, 3] and [3, 3] differ other than along axis 1"])
    }
}
