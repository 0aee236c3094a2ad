import Autograd
import Layers

/// The training steps of one `fit` call: compiled per batch shape where that gives the tape's
/// results bit for bit, on the tape otherwise.
///
/// The first batch of a shape runs on the tape, which also tells which dropout masks a step
/// draws; if those are all the randomness it draws (the generator ends where redrawing the masks
/// ends), the model has no state (running statistics) and the targets can be fed as a tensor,
/// the step is traced, with its masks and targets as inputs. The second batch of that shape runs
/// both ways: the compiled step is kept only if it gave the tape's loss, outputs and gradients
/// bit for bit (a tensor made from the data's values inside the model, such as an embedding's
/// indices, would be frozen and differ). A compiled step whose loss or gradient is not finite
/// runs again on the tape with the same masks, for the report naming the operation.
/// At most two shapes are compiled (a full batch and a partial last one).
struct CompiledTrainingSteps<Model: Module> {
    typealias Scalar = Model.Scalar
    private enum Entry {
        case compiled(CompiledTrainingStep<Model>, isVerified: Bool)
        case tape

        var isCompiled: Bool { if case .compiled = self { true } else { false } }
    }
    private var entries: [Shape: Entry] = [:]
    private let isEnabled: Bool
    /// The most batch shapes compiled.
    static var shapeLimit: Int { 2 }

    /// Steps that are compiled when `compilation` allows it.
    init(_ compilation: TrainingCompilation) { isEnabled = compilation == .automatic }

    /// The step of `model` on `batch`, drawing its masks from `generator` as the tape step does,
    /// and whether its result is the compiled step's.
    mutating func step(
        _ model: Model, batch: TrainingBatch<Scalar>, loss: Loss<Scalar>, penalty: (lambda: Double, exampleCount: Int),
        info: [ParameterInfo], position: TrainingPosition, generator: inout SeededGenerator
    ) -> (result: StepResult<Scalar>, isCompiled: Bool) {
        func onTape(masks: [Tensor<Scalar>]? = nil, logging: Bool = false) -> (StepResult<Scalar>, [DropoutDraw]?) {
            var context = ForwardContext(isTraining: true, generator: generator)
            context.suppliedMasks = masks.map(SuppliedMasks.init)
            if logging { context.maskDraws = [] }
            let result = model.differentiate(batch, loss: loss, penalty: penalty, info: info, position: position, context: &context)
            generator = context.generator
            return (result, context.maskDraws)
        }
        let shape = batch.inputs.shape
        guard isEnabled, batch.count > 0 else { return (onTape().0, false) }
        switch entries[shape] {
        case nil:
            let start = generator
            let (result, draws) = onTape(logging: true)
            let compiledCount = entries.values.count(where: \.isCompiled)
            entries[shape] = .tape
            if let draws, compiledCount < Self.shapeLimit, model.state.isEmpty, Self.redraw(draws, from: start) == generator,
               let compiled = CompiledTrainingStep(model: model, batch: batch, outputShape: result.outputs.shape, draws: draws,
                                                   generator: start, loss: loss, penalty: penalty, info: info) {
                entries[shape] = .compiled(compiled, isVerified: false)
            }
            return (result, false)
        case .tape:
            return (onTape().0, false)
        case .compiled(let compiled, let isVerified):
            let masks: [Tensor<Scalar>] = compiled.draws.map { $0.mask(using: &generator) }
            guard let (objective, result) = compiled.run(parameters: model.parameters.map(\.value), batch: batch, masks: masks)
            else { return (onTape(masks: masks).0, false) }
            let isFinite = result.loss.isFinite && objective.isFinite && result.gradients.allSatisfy(\.isAllFinite)
            guard !isVerified || !isFinite else { return (result, true) }
            let (checked, _) = onTape(masks: masks)
            if !isVerified, isFinite {
                let agrees = checked.loss == result.loss && checked.outputs == result.outputs && checked.gradients == result.gradients
                entries[shape] = agrees ? .compiled(compiled, isVerified: true) : .tape
            }
            return (checked, false)
        }
    }

    /// Where `generator` ends after drawing the masks of `draws`.
    private static func redraw(_ draws: [DropoutDraw], from generator: SeededGenerator) -> SeededGenerator {
        var generator = generator
        for draw in draws { _ = draw.mask(using: &generator) as Tensor<Scalar> }
        return generator
    }
}
