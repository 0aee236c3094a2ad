import Foundation
import Testing
@testable import Autograd

// The example of Docs/Autograd.md, "Defining your own primitive", verbatim between the marks
// (`docExampleIsThisCode` holds the two copies to each other).
// BEGIN Docs/Autograd.md
/// swish(x) = x · σ(x) as one primitive, with its derivative σ(x)(1 + x(1 − σ(x))).
func swish<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
    Tensor.primitive("swish", inputs: [x],
        forward: { x in x[0] * x[0].sigmoid() },
        pullback: { cotangent, _, x in [cotangent * swishDerivative(x[0])] },
        pushforward: { tangents, _, x in tangents[0]! * swishDerivative(x[0]) })
}

/// d/dx x σ(x), written with differentiable operations, so that swish has every order.
func swishDerivative<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
    let s = x.sigmoid()
    return s * (1 + x * (1 - s))
}
// END Docs/Autograd.md

/// √(a² + b²) element-wise, defined on raw buffers: a primitive of two inputs whose forward is a
/// plain loop. Pullback (ȳ a / y, ȳ b / y); pushforward (ȧ a + ḃ b) / y.
func hypotenuse(_ a: Tensor<Double>, _ b: Tensor<Double>, file: StaticString = #fileID, line: UInt = #line) -> Tensor<Double> {
    Tensor.primitive("hypotenuse", inputs: [a, b], shape: a.shape, file: file, line: line,
        forward: { x, y in
            for i in y.indices { y[i] = (x[0][i] * x[0][i] + x[1][i] * x[1][i]).squareRoot() }
        },
        pullback: { cotangent, y, x in [cotangent * x[0] / y, cotangent * x[1] / y] },
        pushforward: { t, y, x in
            [t[0].map { $0 * x[0] }, t[1].map { $0 * x[1] }].compactMap { $0 }.reduce(Tensor.zeros(y.shape), +) / y
        })
}

/// The lines of `text` between a line holding `begin` and the next holding `end`.
func lines(of text: String, after begin: String, before end: String) -> [Substring] {
    let all = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = all.firstIndex(where: { $0.contains(begin) }),
          let stop = all[(start + 1)...].firstIndex(where: { $0.contains(end) }) else { return [] }
    return Array(all[(start + 1)..<stop])
}

@Suite("Primitives defined outside the library")
struct UserPrimitiveTests {
    let x = Tensor<Double>([-2, -0.5, 0.3, 1.7])

    @Test("the documented example is the code compiled here")
    func docExampleIsThisCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("Docs/Autograd.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let documented = lines(of: docs, after: "This example is compiled and checked", before: "let report =")
            .drop { !$0.hasPrefix("///") }
        let compiled = lines(of: source, after: "// BEGIN Docs/Autograd.md", before: "// END Docs/Autograd.md")
        #expect(documented.count > 10 && Array(documented.dropLast()) == compiled)
    }

    @Test("the documented example passes checkGradients, and computes x σ(x) in Float and Double")
    func docExampleChecks() {
        let report = checkGradients(of: { swish($0[0]) }, at: [x])
        #expect(report.passes, "\(report)")
        expectClose(swish(x), x * x.sigmoid(), "swish = x σ(x)")
        let float = Tensor<Float>(x)
        #expect(swish(float).isApproximatelyEqual(to: float * float.sigmoid()))
        #expect(gradient(at: float) { swish($0).sum() }.isApproximatelyEqual(to: swishDerivative(float)))
    }

    @Test("one entry on the tape, tagged custom, with the user's rules")
    func oneEntry() {
        let recorded = withGradientTape(of: Double.self) { tape in
            _ = swish(tape.watch(x))
            return tape.tape.entries.map(\.primitive)
        }
        #expect(recorded == [.variable, .custom])
    }

    @Test("second derivatives and a Hessian-vector product through the user's rules")
    func higherOrder() {
        let v = Tensor<Double>([0.3, -1, 2, 0.5])
        func builtIn(_ x: Tensor<Double>) -> Tensor<Double> { (x * x.sigmoid()).sum() }
        func custom(_ x: Tensor<Double>) -> Tensor<Double> { swish(x).sum() }
        let hv = gradient(at: x) { x in (gradient(at: x, of: custom) * v).sum() }
        let reference = gradient(at: x) { x in (gradient(at: x, of: builtIn) * v).sum() }
        expectClose(hv, reference, "H v through swish's pullback", tolerance: 1e-10)
        #expect(hv.scalars.contains { abs($0) > 0.1 })
        let third = gradient(at: x) { x in gradient(at: x) { x in gradient(at: x, of: custom).sum() }.sum() }
        let thirdReference = gradient(at: x) { x in gradient(at: x) { x in gradient(at: x, of: builtIn).sum() }.sum() }
        expectClose(third, thirdReference, "third derivative", tolerance: 1e-10)
    }

    @Test("a forward on raw buffers, two inputs: both modes, the adjoint identity, and its value")
    func rawForward() {
        let (a, b) = (randomTensor([2, 3], seed: 61, awayFromZero: 0.2), randomTensor([2, 3], seed: 62, awayFromZero: 0.2))
        let report = checkGradients(of: { hypotenuse($0[0], $0[1]) }, at: [a, b])
        #expect(report.passes, "\(report)")
        expectClose(hypotenuse(a, b), Tensor(zip(a.scalars, b.scalars).map { Foundation.hypot($0, $1) }, shape: [2, 3]), "√(a² + b²)")
    }

    @Test("compiled functions replay both kinds of forward rule on new data")
    func compiledReplay() {
        func step(_ state: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let g = gradient(at: state[0]) { w in hypotenuse(swish(w * data[0]), data[0]).sum() }
            return ([state[0] - g * 0.1], [swish(state[0] * data[0])])
        }
        let w = randomTensor([2, 3], seed: 63)
        let batches = (0..<3).map { randomTensor([2, 3], seed: 70 + UInt64($0), awayFromZero: 0.3) }
        let compiled = CompiledFunction(state: [w], inputs: [batches[0]], step)
        var state = [w]
        for batch in batches {
            let (expected, outputs) = step(state, [batch])
            compiled.run([batch])
            #expect(compiled.currentState == expected && compiled.outputs == outputs)
            state = expected
        }
    }

    @Test("a pullback with a wrong number of cotangents stops naming the primitive and the caller")
    func wrongCotangentCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradient(at: Tensor<Double>.ones([3])) { x in
                Tensor.primitive("twice", inputs: [x], forward: { $0[0] * 2 },
                                 pullback: { c, _, _ in [c * 2, c] }, pushforward: { t, _, _ in t[0]! * 2 }).sum()
            }
        }
        expectMessage(result, contains: ["AutogradTests/UserPrimitiveTests.swift:", "twice: the pullback returned 2 cotangents for 1 inputs"])
    }

    @Test("rules of the wrong shape stop naming the primitive, the shapes and the caller")
    func wrongShapes() async {
        let pullback = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gradient(at: Tensor<Double>.ones([3])) { x in
                Tensor.primitive("total", inputs: [x], forward: { $0[0].sum() },
                                 pullback: { c, _, _ in [c] }, pushforward: { t, _, _ in t[0]!.sum() })
            }
        }
        expectMessage(pullback, contains: ["AutogradTests/UserPrimitiveTests.swift:",
                                           "total: the pullback returned a cotangent of shape [] for input 0 of shape [3]"])
        let pushforward = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let (_, push) = valueWithPushforward(at: Tensor<Double>.ones([3])) { x in
                Tensor.primitive("total", inputs: [x], forward: { $0[0].sum() },
                                 pullback: { c, _, _ in [c.broadcast(to: [3])] }, pushforward: { t, _, _ in t[0]! })
            }
            _ = push(Tensor.ones([3]))
        }
        expectMessage(pushforward, contains: ["total: the pushforward returned shape [3] for an output of shape []"])
    }
}
