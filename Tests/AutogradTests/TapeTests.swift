import Foundation
import Testing
@testable import Autograd

@Suite("Tape behaviour: accumulation, scopes, memory, both modes")
struct TapeTests {
    let a = randomTensor([2, 3], seed: 1)
    let b = randomTensor([2, 3], seed: 2)

    @Test("a tensor used twice receives the sum of both cotangents (diamond graphs)")
    func diamondsAccumulate() {
        let twice = gradient(at: a) { ($0 + $0).sum() }
        expectClose(twice, Tensor(repeating: 2, shape: a.shape), "∂(a + a)/∂a = 2")

        let (da, db) = gradient(at: a, b) { a, b in (a * b + a).sum() }
        expectClose(da, Tensor(b.scalars.map { $0 + 1 }, shape: b.shape), "∂((a ∘ b) + a)/∂a = b + 1")
        expectClose(db, a, "∂((a ∘ b) + a)/∂b = a")

        // c = a ∘ b feeds c ∘ c and c: ∂/∂a Σ(c² + c) = (2c + 1) ∘ b.
        let deeper = gradient(at: a) { a in
            let c = a * b
            return (c * c + c).sum()
        }
        let expected = zip(a.scalars, b.scalars).map { a, b in (2 * a * b + 1) * b }
        expectClose(deeper, Tensor(expected, shape: a.shape), "(2c + 1) ∘ b")
    }

    @Test("a second backward pass gives the same gradient, on a fresh recording and on the same tape")
    func repeatedBackward() {
        func loss(_ x: Tensor<Double>) -> Tensor<Double> { (x * x * b).exp().mean() }
        let first = gradient(at: a, of: loss)
        let second = gradient(at: a, of: loss)
        #expect(first == second)

        let (once, again) = withGradientTape(of: Double.self) { tape in
            let x = tape.watch(a)
            let value = loss(x)
            return (tape.gradient(of: value, withRespectTo: [x])[0], tape.gradient(of: value, withRespectTo: [x])[0])
        }
        #expect(once == first && again == first, "a second pass on the same tape must not accumulate onto the first")
    }

    @Test("nothing is recorded outside a scope; constants inside a scope stay unrecorded; results leave detached")
    func recordingScopes() {
        #expect(!(a * b).exp().isRecorded)
        var escaped: Tensor<Double>?
        withGradientTape(of: Double.self) { tape in
            let x = tape.watch(a)
            #expect(x.isRecorded && (x * b).isRecorded)
            #expect(!(a * b).isRecorded, "an operation on constants is not recorded even inside a scope")
            escaped = x.exp()
        }
        #expect(escaped?.isRecorded == false, "the tape is closed when its scope ends")
        let (value, grad) = valueWithGradient(at: a) { ($0 * b).sum() }
        #expect(!value.isRecorded && !grad.isRecorded)
    }

    @Test("intermediates are freed when the scope ends, and when an escaping pullback is released")
    func intermediatesAreFreed() {
        weak var intermediate: TensorStorage<Double>?
        weak var tape: Tape<Double>?
        let grad = withGradientTape(of: Double.self) { gradientTape in
            let x = gradientTape.watch(a)
            let hidden = (x * 3).exp()
            intermediate = hidden.storage
            tape = gradientTape.tape
            return gradientTape.gradient(of: hidden.sum(), withRespectTo: [x])[0]
        }
        #expect(grad.elementCount == a.elementCount)
        #expect(intermediate == nil, "an intermediate outlived its scope")
        #expect(tape == nil, "the tape outlived its scope")

        var pullback: ((Tensor<Double>) -> Tensor<Double>)?
        pullback = valueWithPullback(at: a) { x in
            let hidden = x.exp()
            intermediate = hidden.storage
            return (hidden * hidden).sum()
        }.pullback
        #expect(intermediate != nil, "the pullback needs its intermediates")
        expectClose(pullback!(Tensor(1.0)), Tensor(a.scalars.map { 2 * Foundation.exp(2 * $0) }, shape: a.shape), "∂Σe^{2x}")
        pullback = nil
        #expect(intermediate == nil, "releasing the pullback frees its intermediates")
    }

    @Test("valueWithPullback of a matrix-valued function gives vector–Jacobian products")
    func pullbackOfNonScalarOutput() {
        let m = randomTensor([2, 4], seed: 3)
        let u = randomTensor([3, 4], seed: 4)
        // Y = tanh(Aᵀ M) for the constant A = a (2 × 3): M̄ = A (Ū ∘ (1 − Y²)).
        let (value, pullback) = valueWithPullback(at: m) { matmul(a, $0, transposeA: true).tanh() }
        let y = product(transposed(rows(a)), rows(m)).map { $0.map(Foundation.tanh) }
        expectClose(value, matrix(y), "Y = tanh(Aᵀ M)")
        let scaled = zip(rows(u), y).map { u, y in zip(u, y).map { $0 * (1 - $1 * $1) } }
        expectClose(pullback(u), matrix(product(rows(a), scaled)), "M̄ = A (Ū ∘ (1 − Y²))")
    }

    @Test("pushforward and pullback are adjoint: ⟨u, J v⟩ = ⟨Jᵀ u, v⟩, and both build the same Jacobian")
    func forwardAndReverseAgree() {
        func f(_ x: [Tensor<Double>]) -> Tensor<Double> {
            (matmul(x[0], x[1], transposeB: true).sigmoid() * x[0].sum()).softmax()
        }
        let inputs = [randomTensor([2, 3], seed: 5), randomTensor([4, 3], seed: 6)]
        let (value, pullback) = valueWithPullback(at: inputs, of: f)
        let (_, pushforward) = valueWithPushforward(at: inputs, of: f)
        let u = randomTensor(value.shape, seed: 7)
        let v = [randomTensor([2, 3], seed: 8), randomTensor([4, 3], seed: 9)]
        func dot(_ x: Tensor<Double>, _ y: Tensor<Double>) -> Double { (x * y).sum().scalar }
        let forward = dot(u, pushforward(v))
        let reverse = zip(pullback(u), v).reduce(0) { $0 + dot($1.0, $1.1) }
        #expect(abs(forward - reverse) <= 1e-12 * max(abs(forward), 1), "⟨u, Jv⟩ = \(forward), ⟨Jᵀu, v⟩ = \(reverse)")
        expectClose(matrix(jacobianByRows(of: f, at: inputs)), matrix(jacobianByColumns(of: f, at: inputs)), "J by rows vs columns")
    }

    @Test("the gradient with respect to several tensors at once")
    func severalVariables() {
        let c = randomTensor([2, 3], seed: 10)
        let (value, gradients) = valueWithGradient(at: [a, b, c]) { ($0[0] * $0[1] + $0[2].exp()).sum() }
        #expect(abs(value.scalar - (a * b + c.exp()).sum().scalar) < 1e-14)
        expectClose(gradients[0], b, "∂/∂a = b")
        expectClose(gradients[1], a, "∂/∂b = a")
        expectClose(gradients[2], c.exp(), "∂/∂c = e^c")
    }

    @Test("a variable the value does not depend on gets a zero gradient of its own shape")
    func unusedVariable() {
        let unused = randomTensor([4], seed: 11)
        let (da, dUnused) = gradient(at: a, unused) { a, unused in
            _ = unused.exp() // recorded, but it does not reach the value
            return (a * a).sum()
        }
        expectClose(da, a * 2, "∂Σa²/∂a")
        #expect(dUnused == Tensor.zeros([4]))
    }

    @Test("the tape names the first primitive whose value is not finite")
    func firstNonFiniteOperation() {
        let found = withGradientTape(of: Double.self) { tape in
            let x = tape.watch(Tensor([1, 2]))
            let finite = tape.firstNonFiniteOperation()
            _ = ((x - 1).log() * 2).exp()
            return (finite, tape.firstNonFiniteOperation())
        }
        #expect(found.0 == nil)
        #expect(found.1?.primitive == .log)
    }

    @Test("whenFinal reports each variable once, as soon as its gradient is final, with the gradient returned")
    func gradientsReportedWhenFinal() {
        let w1 = randomTensor([3, 2], seed: 3), w2 = randomTensor([2, 3], seed: 4), unused = randomTensor([2], seed: 5)
        var reports: [(position: Int, gradient: Tensor<Double>)] = []
        let (gradients, plain) = withGradientTape(of: Double.self) { tape in
            let (v1, v2, v3) = (tape.watch(w1), tape.watch(w2), tape.watch(unused))
            let loss = matmul(matmul(a, v1).tanh(), v2).sigmoid().sum()
            let reported = tape.gradient(of: loss, withRespectTo: [v1, v2, v3]) { reports.append(($0, $1)) }
            return (reported, tape.gradient(of: loss, withRespectTo: [v1, v2, v3]))
        }
        #expect(reports.map(\.position).sorted() == [0, 1, 2], "each variable exactly once")
        #expect(reports.first?.position == 2, "a variable nothing uses is final before the walk")
        #expect(reports.firstIndex { $0.position == 1 }! < reports.firstIndex { $0.position == 0 }!, "the last layer first")
        for report in reports {
            #expect(report.gradient.scalars == gradients[report.position].scalars)
            #expect(report.gradient.scalars == plain[report.position].scalars)
        }
        #expect(gradients[2].scalars == [0, 0])
    }
}
