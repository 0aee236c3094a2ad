import Autograd
import Layers
import KernelSupport

/// The loss, outputs and gradient of one training step, and where a NaN or infinity first
/// appeared if one did.
struct StepResult<Scalar: TensorScalar> {
    var loss: Double
    var outputs: Tensor<Scalar>
    var gradients: [Tensor<Scalar>]
    var nonFinite: NonFiniteReport?
}

/// The recorded values of a training step: what ``Module/differentiate(_:loss:penalty:info:position:context:whenFinal:)``
/// reads eagerly, and what a compiled step returns from its trace.
struct DifferentiatedStep<Scalar: TensorScalar> {
    /// The data loss (single element).
    var dataLoss: Tensor<Scalar>
    /// The data loss plus the penalty: what is differentiated.
    var objective: Tensor<Scalar>
    /// The model's outputs.
    var outputs: Tensor<Scalar>
    /// One gradient per parameter, zeros for a frozen one.
    var gradients: [Tensor<Scalar>]
}

extension Module {
    /// Runs `batch` through the model under a tape and differentiates `loss` (plus the L2
    /// penalty (λ/N)Σ‖W‖² when λ > 0) with respect to every parameter that is not frozen; a
    /// frozen parameter is not watched and its gradient is zeros. When the loss or a
    /// gradient is not finite, the tape is asked which recorded operation first produced a
    /// non-finite value, before it is closed. `whenFinal`, when given, receives each parameter's
    /// index and gradient as soon as the backward pass has finished it (a frozen one's first).
    func differentiate(
        _ batch: TrainingBatch<Scalar>, loss: Loss<Scalar>, penalty: (lambda: Double, exampleCount: Int),
        info: [ParameterInfo], position: TrainingPosition, context: inout ForwardContext,
        whenFinal: ((Int, Tensor<Scalar>) -> Void)? = nil
    ) -> StepResult<Scalar> {
        withGradientTape(of: Scalar.self) { tape in
            let step = recordedStep(batch.inputs, targets: batch.targets, parameters: parameters.map(\.value), loss: loss,
                                    penalty: penalty, info: info, tape: tape, context: &context, whenFinal: whenFinal)
            let value = Double(step.dataLoss.scalar)
            let brokenGradient = step.gradients.firstIndex { !$0.isAllFinite }
            var report: NonFiniteReport?
            if !value.isFinite || !Double(step.objective.scalar).isFinite || brokenGradient != nil {
                report = NonFiniteReport(position: position, loss: value,
                                         operation: tape.firstNonFiniteOperation().map { ($0.primitive, $0.position) },
                                         parameter: brokenGradient.map { info[$0].name }, updatedParameter: nil)
            }
            return StepResult(loss: value, outputs: step.outputs.detached, gradients: step.gradients, nonFinite: report)
        }
    }

    /// The step of ``differentiate(_:loss:penalty:info:position:context:whenFinal:)`` on `tape`
    /// at parameter values `values` (in visit order), its values left recorded (so that a
    /// compiled function can trace it).
    func recordedStep(
        _ inputs: Tensor<Scalar>, targets: Targets<Scalar>, parameters values: [Tensor<Scalar>], loss: Loss<Scalar>,
        penalty: (lambda: Double, exampleCount: Int), info: [ParameterInfo], tape: GradientTape<Scalar>,
        context: inout ForwardContext, whenFinal: ((Int, Tensor<Scalar>) -> Void)? = nil
    ) -> DifferentiatedStep<Scalar> {
        let trainable = info.indices.filter { !info[$0].isFrozen }
        var watched = values
        for index in trainable { watched[index] = tape.watch(values[index]) }
        var model = self
        model.replaceParameters(with: watched)
        let outputs = model(inputs, context: &context)
        let dataLoss = loss(outputs, targets)
        let objective = penalty.lambda > 0
            ? dataLoss + l2Penalty(of: model, lambda: penalty.lambda, exampleCount: penalty.exampleCount)
            : dataLoss
        // Zeros for the frozen parameters; the others' entries are replaced below.
        var gradients = info.indices.map { info[$0].isFrozen ? Tensor<Scalar>.zeros(values[$0].shape) : values[$0] }
        if let whenFinal {
            for index in info.indices where info[index].isFrozen { whenFinal(index, gradients[index]) }
        }
        let variables = trainable.map { watched[$0] }
        let computed = whenFinal.map { whenFinal in
            tape.gradient(of: objective, withRespectTo: variables) { whenFinal(trainable[$0], $1) }
        } ?? tape.gradient(of: objective, withRespectTo: variables)
        for (index, gradient) in zip(trainable, computed) { gradients[index] = gradient }
        return DifferentiatedStep(dataLoss: dataLoss, objective: objective, outputs: outputs, gradients: gradients)
    }
}

extension Tensor where Scalar: TensorScalar {
    /// Whether no element is NaN or infinite (through the training kernels).
    var isAllFinite: Bool {
        withUnsafeBufferPointer { Scalar.kernels.allFinite($0.baseAddress!, $0.count) }
    }

    /// The first element that is NaN or infinite, with its row-major index; nil if there is none.
    var firstNonFinite: (index: Int, value: Scalar)? {
        guard !isAllFinite else { return nil }
        return withUnsafeBufferPointer { buffer in buffer.firstIndex { !$0.isFinite }.map { ($0, buffer[$0]) } }
    }
}
