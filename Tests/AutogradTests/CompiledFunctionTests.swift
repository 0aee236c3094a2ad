import Testing
@testable import Autograd
import KernelSupport

@Suite("Compiled functions replay exactly what the tape computes")
struct CompiledFunctionTests {
    /// One SGD step of a small sigmoid network on one sample, written with the tape.
    static func sgdStep(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
        let (loss, g) = valueWithGradient(at: p) { p in
            let hidden = (matmul(p[0], data[0]) + p[1]).sigmoid()
            let output = (matmul(p[2], hidden) + p[3]).sigmoid()
            return quadraticCost(output, data[1])
        }
        return (zip(p, g).map { $0 - $1 * 0.05 }, [loss])
    }

    @Test("a compiled SGD step gives bit-identical parameters to the tape, step after step")
    func sgdStepsMatch() {
        var parameters = [randomTensor([3, 2], seed: 1), randomTensor([3, 1], seed: 2),
                          randomTensor([2, 3], seed: 3), randomTensor([2, 1], seed: 4)]
        let samples = (0..<4).map { [randomTensor([2, 1], seed: 10 + UInt64($0)), randomTensor([2, 1], seed: 20 + UInt64($0), in: 0..<1)] }
        let compiled = CompiledFunction(state: parameters, inputs: samples[0], Self.sgdStep)
        #expect(compiled.operationCount > 10)
        for step in 0..<12 {
            let sample = samples[step % samples.count]
            let (expected, outputs) = Self.sgdStep(parameters, sample)
            compiled.run(sample)
            #expect(compiled.currentState == expected, "step \(step): parameters differ")
            #expect(compiled.outputs[0] == outputs[0], "step \(step): loss differs")
            parameters = expected
        }
    }

    @Test("max-pooling routes and ReLU masks are recomputed from new data on each run")
    func dataDependentDerivatives() {
        func step(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let g = gradient(at: p[0]) { filter in
                let features = conv2d(data[0], filter: filter, padding: .symmetric(1)).relu()
                let pooled = maxPool2d(features, window: (2, 2), strides: (2, 2))
                return (pooled * pooled).sum()
            }
            return ([p[0] - g * 0.01], [g])
        }
        let filter = randomTensor([3, 3, 1, 2], seed: 5)
        let images = (0..<3).map { randomTensor([2, 4, 4, 1], seed: 30 + UInt64($0)) }
        let compiled = CompiledFunction(state: [filter], inputs: [images[0]], step)
        var state = [filter]
        for image in images.reversed() {
            let (expected, outputs) = step(state, [image])
            compiled.run([image])
            #expect(compiled.outputs[0] == outputs[0])
            #expect(compiled.currentState == expected)
            state = expected
        }
    }

    @Test("large inputs (read in place) and states (copied back in chunks by two threads) replay exactly")
    func largeCopies() {
        let count = KernelThreads.elementwiseParallelCount + 7
        func step(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            ([p[0] * 0.5 + data[0]], [p[0].sum()])
        }
        let inputs = (0..<3).map { randomTensor([count], seed: 40 + UInt64($0)) }
        var state = [randomTensor([count], seed: 39)]
        withThreadCount(2) {
            let compiled = CompiledFunction(state: state, inputs: [inputs[0]], step)
            for input in inputs {
                let (expected, outputs) = step(state, [input])
                compiled.run([input])
                #expect(compiled.currentState == expected)
                #expect(compiled.outputs[0] == outputs[0])
                state = expected
            }
        }
    }

    @Test("buffers of dead intermediates are reused")
    func buffersAreReused() {
        let x = randomTensor([64], seed: 9)
        let compiled = CompiledFunction(state: [x], inputs: []) { state, _ in
            var y = state[0]
            for _ in 0..<20 { y = (y * 0.5).tanh() }
            return ([y], [])
        }
        #expect(compiled.operationCount == 40)
        #expect(compiled.bufferedScalarCount <= 64 * 4, "20 chained operations should need a few buffers, not 40")
        compiled.run([])
        var expected = x
        for _ in 0..<20 { expected = (expected * 0.5).tanh() }
        #expect(compiled.currentState[0] == expected)
    }

    @Test("a new state computed element-wise from the old one overwrites it in place, unless the old value is read later")
    func inPlaceUpdates() {
        let weights = randomTensor([64], seed: 50)
        let gradients = (0..<3).map { randomTensor([64], seed: 51 + UInt64($0)) }
        // The update is the old weights' last reader: it needs no buffer besides the state's (the
        // other one holds the output; the input is read in place).
        func update(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let squares = p[0] * p[0]
            return ([p[0].adding(data[0], scaledBy: -0.1)], [squares])
        }
        // The output reads the old weights after the update: the update needs a buffer of its own.
        func readAfter(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let updated = p[0].adding(data[0], scaledBy: -0.1)
            return ([updated], [p[0] * updated])
        }
        // The new weights are also an output: before the first run, the output shows them while
        // the state still holds the old weights, so the update needs a buffer of its own.
        func updateShown(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let updated = p[0].adding(data[0], scaledBy: -0.1)
            return ([updated], [updated])
        }
        for (body, scalars) in [(update, 2 * 64), (readAfter, 3 * 64), (updateShown, 2 * 64)] {
            let compiled = CompiledFunction(state: [weights], inputs: [gradients[0]], body)
            #expect(compiled.bufferedScalarCount == scalars)
            #expect(compiled.currentState == [weights], "before the first run, the state is the initial one")
            #expect(compiled.outputs == body([weights], [gradients[0]]).outputs, "before the first run, the traced outputs")
            var state = [weights]
            for gradient in gradients {
                let (expected, outputs) = body(state, [gradient])
                compiled.run([gradient])
                #expect(compiled.currentState == expected)
                #expect(compiled.outputs == outputs)
                state = expected
            }
        }
    }

    @Test("inputs are read in place on each run; inputs that are also results are copied")
    func inputsReadInPlace() {
        // A view of the input (a reshape) is read in place too: the squares need the only buffer.
        func squares(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let view = data[0].reshaped(to: [data[0].elementCount])
            return ([], [view * view])
        }
        // The input itself is an output: it needs a buffer to hold it after the run.
        func echo(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            ([], [data[0], data[0].exp()])
        }
        for (shape, body, buffers) in [([32, 40], squares, 1), ([32, 40], echo, 2), ([2], squares, 1)] {
            let inputs = (0..<3).map { randomTensor(Shape(shape), seed: 60 + UInt64($0)) }
            let compiled = CompiledFunction(state: [], inputs: [inputs[0]], body)
            #expect(compiled.bufferedScalarCount == buffers * inputs[0].elementCount, "input shape \(shape)")
            for input in inputs.reversed() {
                compiled.run([input])
                #expect(compiled.outputs == body([], [input]).outputs)
            }
        }
    }

    @Test("every element-wise primitive computes correctly into its own input's buffer, on two threads")
    func inPlaceForEveryElementwisePrimitive() {
        let count = KernelThreads.elementwiseParallelCount + 7
        let updates: [(Primitive, (Tensor<Double>, Tensor<Double>) -> Tensor<Double>)] = [
            (.add, { $1 + $0 }), (.subtract, { $1 - $0 }), (.negate, { p, _ in -p }), (.scale, { p, _ in p * 0.5 }),
            (.multiply, { $0 * $1 }), (.divide, { $1 / $0 }), (.addScaled, { $0.adding($1, scaledBy: -0.1) }),
        ]
        #expect(Set(updates.map(\.0)) == Set(Primitive.allCases.filter(\.isElementwise)))
        let inputs = (0..<2).map { randomTensor([count], seed: 70 + UInt64($0), in: 1..<2) }
        for (primitive, update) in updates {
            var state = [randomTensor([count], seed: 69)]
            withThreadCount(2) {
                let compiled = CompiledFunction(state: state, inputs: [inputs[0]]) { p, data in ([update(p[0], data[0])], []) }
                #expect(compiled.bufferedScalarCount == count, "\(primitive): the update should need no buffer of its own")
                for input in inputs {
                    state = [update(state[0], input)]
                    compiled.run([input])
                    #expect(compiled.currentState == state, "\(primitive)")
                }
            }
        }
    }

    @Test("a function that ignores its old state or one of its inputs compiles and runs")
    func ignoredStateAndInputs() {
        let (small, large) = (randomTensor([3], seed: 80), randomTensor([2048], seed: 81))
        let compiled = CompiledFunction(state: [randomTensor([3], seed: 82)], inputs: [small, large]) { _, data in
            ([data[0] * 2], [])
        }
        for seed in UInt64(83)..<85 {
            let input = randomTensor([3], seed: seed)
            compiled.run([input, large])
            #expect(compiled.currentState == [input * 2])
        }
    }

    @Test("results that show the old state (itself, a view of it, or another slot's) keep the old values")
    func resultsShowingOldState() {
        let (a, b) = (randomTensor([4], seed: 90), randomTensor([4], seed: 91))
        // The slots swap (the second one doubled); the outputs show the old first slot.
        func swap(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            ([p[1] * 2, p[0]], [p[0], p[0].reshaped(to: [2, 2])])
        }
        // The update is the old values' last reader, but a view of them, taken before, is an
        // output: the update must not overwrite them in place.
        func doubleWithView(_ p: [Tensor<Double>], _ data: [Tensor<Double>]) -> (state: [Tensor<Double>], outputs: [Tensor<Double>]) {
            let view = p[0].reshaped(to: [2, 2])
            return ([p[0] * 2, p[1]], [view])
        }
        for step in [swap, doubleWithView] {
            let compiled = CompiledFunction(state: [a, b], inputs: [], step)
            #expect(compiled.outputs == step([a, b], []).outputs, "before the first run, the traced outputs")
            var state = [a, b]
            for _ in 0..<3 {
                let (expected, outputs) = step(state, [])
                compiled.run([])
                #expect(compiled.currentState == expected)
                #expect(compiled.outputs == outputs)
                state = expected
            }
        }
    }
}
