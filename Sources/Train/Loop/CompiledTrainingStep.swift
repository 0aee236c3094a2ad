import Autograd
import Layers

/// A model's training step for one batch shape, traced once as a ``CompiledFunction`` and then
/// replayed: the parameters, the batch's inputs and targets and the step's dropout masks go in;
/// the data loss, the objective (with the penalty), the outputs and one gradient per parameter
/// come out. The optimiser's update stays outside, as in the eager step.
struct CompiledTrainingStep<Model: Module> {
    typealias Scalar = Model.Scalar
    /// The masks each step draws, in the order the model's dropout layers take them.
    let draws: [DropoutDraw]
    /// The shape of the model's outputs (what label targets are turned into tensors for).
    let outputShape: Shape
    private let function: CompiledFunction<Scalar>
    private let loss: Loss<Scalar>

    /// Traces the step of `model` on `batch` with `draws`' masks drawn from `generator` (a copy:
    /// the caller's generator is left as it is), or nil when its targets cannot be fed as a tensor.
    init?(model: Model, batch: TrainingBatch<Scalar>, outputShape: Shape, draws: [DropoutDraw], generator: SeededGenerator,
          loss: Loss<Scalar>, penalty: (lambda: Double, exampleCount: Int), info: [ParameterInfo]) {
        (self.draws, self.outputShape, self.loss) = (draws, outputShape, loss)
        guard let targets = Self.targetTensor(batch.targets, loss: loss, outputShape: outputShape) else { return nil }
        var generator = generator
        let masks: [Tensor<Scalar>] = draws.map { $0.mask(using: &generator) }
        let parameters = model.parameters.map(\.value)
        let count = parameters.count
        function = CompiledFunction(state: [], inputs: parameters + [batch.inputs, targets] + masks) { _, fed in
            var context = ForwardContext(isTraining: true)
            context.suppliedMasks = SuppliedMasks(Array(fed[(count + 2)...]))
            let step = withGradientTape(of: Scalar.self) { tape in
                model.recordedStep(fed[count], targets: .values(fed[count + 1]), parameters: Array(fed[..<count]), loss: loss,
                                   penalty: penalty, info: info, tape: tape, context: &context)
            }
            return ([], [step.dataLoss, step.objective, step.outputs] + step.gradients)
        }
    }

    /// The targets as the tensor the compiled step is fed: target values as they are, labels as
    /// the loss's tensor for them (nil when the loss has none).
    static func targetTensor(_ targets: Targets<Scalar>, loss: Loss<Scalar>, outputShape: Shape) -> Tensor<Scalar>? {
        switch targets {
        case .values(let values): values
        case .labels(let labels): loss.labelTargets?(labels, outputShape)
        }
    }

    /// The step at `parameters` on `batch` with `masks` (drawn as ``draws`` says): the data loss,
    /// the objective, the outputs and the gradients; nil when the targets cannot be fed.
    func run(parameters: [Tensor<Scalar>], batch: TrainingBatch<Scalar>, masks: [Tensor<Scalar>]) -> (objective: Double, step: StepResult<Scalar>)? {
        guard let targets = Self.targetTensor(batch.targets, loss: loss, outputShape: outputShape) else { return nil }
        function.run(parameters + [batch.inputs, targets] + masks)
        let results = function.outputs
        let step = StepResult(loss: Double(results[0].scalar), outputs: results[2], gradients: Array(results.dropFirst(3)), nonFinite: nil)
        return (Double(results[1].scalar), step)
    }
}
