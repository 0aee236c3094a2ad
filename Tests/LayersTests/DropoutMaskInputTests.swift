import Autograd
import Layers
import Testing

/// Dropout masks as inputs of a compiled function (Docs/Autograd.md, "Fresh masks: make them
/// inputs"), and masks drawn inside one, which the trace freezes.
@Suite("Dropout masks of compiled functions")
struct DropoutMaskInputTests {
    static let x = Tensor<Float>((0..<24).map { Float($0) - 11.5 }, shape: [4, 6])
    static var dropout: Dropout<Float> { Dropout(rate: 0.5) }

    @Test("supplied masks: each run multiplies by the mask it is fed, as the eager layer with the same draws")
    func suppliedMasks() {
        var generator = SeededGenerator(seed: 8)
        let forward = CompiledFunction(state: [], inputs: [Self.x, Self.dropout.mask(Self.x.shape, using: &generator)]) { _, data in
            var context = ForwardContext(isTraining: true)
            context.suppliedMasks = SuppliedMasks([data[1]])
            return ([], [Self.dropout(data[0], context: &context)])
        }
        var eager = ForwardContext(isTraining: true, generator: generator)
        var outputs: [Tensor<Float>] = []
        for _ in 0..<2 {
            forward.run([Self.x, Self.dropout.mask(Self.x.shape, using: &generator)])
            outputs.append(forward.outputs[0])
            #expect(forward.outputs[0] == Self.dropout(Self.x, context: &eager))
        }
        #expect(outputs[0] != outputs[1], "two runs, two masks")
        #expect(eager.generator == generator)
    }

    @Test("a mask drawn inside the traced function is a constant of it: every run repeats it")
    func drawnMasksAreFrozen() {
        let forward = CompiledFunction(state: [], inputs: [Self.x]) { _, data in
            var context = ForwardContext.training(seed: 3)
            return ([], [Self.dropout(data[0], context: &context)])
        }
        forward.run([Self.x])
        let first = forward.outputs[0]
        forward.run([Self.x * 2])
        #expect(forward.outputs[0] == first * 2)
        var context = ForwardContext.training(seed: 3)
        #expect(first == Self.dropout(Self.x, context: &context))
    }

    @Test("a context logs its draws, which redraw the same masks; a supplied mask of another shape stops")
    func drawLog() {
        var context = ForwardContext.training(seed: 4)
        context.maskDraws = []
        let start = context.generator
        let output = Self.dropout(Self.x, context: &context)
        #expect(context.maskDraws == [DropoutDraw(shape: [4, 6], rate: 0.5)])
        var generator = start
        let mask: Tensor<Float> = context.maskDraws![0].mask(using: &generator)
        #expect(output == Self.x * mask && generator == context.generator)

        var supplied = ForwardContext(isTraining: true, generator: start)
        supplied.suppliedMasks = SuppliedMasks([mask])
        #expect(Self.dropout(Self.x, context: &supplied) == output)
        #expect(supplied.generator == start && supplied.suppliedMasks?.remaining == 0)
    }
}
