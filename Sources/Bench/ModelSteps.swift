import Autograd
import Layers
import Train

/// Steps of a `Layers` model for the benchmarks of whole models (`resnet`, `gpt`), taken as a
/// ``Trainer`` takes them: the loss and its gradient on the tape in training mode, then the
/// optimiser's update of the parameters.
enum ModelSteps {
    /// An eager training step that carries the model (its parameters and running statistics) and
    /// the optimiser's state from call to call. Every parameter is updated as an anonymous one,
    /// weight decay included, as PyTorch's optimisers treat `model.parameters()`.
    static func training<Model: Module<Float>>(
        _ model: Model, _ optimizer: some Optimizer<Float>, input: Tensor<Float>,
        loss: @escaping (_ output: Tensor<Float>) -> Tensor<Float>
    ) -> () -> Void {
        var (model, optimizer) = (model, optimizer)
        var context = ForwardContext.training(seed: 0)
        return {
            let (_, gradients) = model.valueWithGradient { loss($0(input, context: &context)) }
            var values = model.parameters.map(\.value)
            optimizer.update(&values, gradients: gradients)
            model.replaceParameters(with: values)
        }
    }

    /// The eager forward pass in inference mode (no recording; BatchNorm uses its running statistics).
    static func inference(_ model: some Module<Float>, input: Tensor<Float>) -> () -> Void {
        { _ = model(input) }
    }
}
