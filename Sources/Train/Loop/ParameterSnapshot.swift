import Autograd

/// The values of a model's parameters at one moment (in visit order), kept by a callback to be
/// put back later with ``EpochReport/restoreParameters(_:)``. Tensors are copy-on-write values,
/// so a snapshot costs one copy of the parameters only once the model changes after it.
public struct ParameterSnapshot {
    /// The parameter tensors, `[Tensor<Scalar>]` of the model's scalar type.
    let values: Any
}

/// What the callbacks of one epoch asked the training loop to do after them.
final class EpochRequests {
    /// Parameters to put back into the model.
    var restoredParameters: ParameterSnapshot?
    /// The factor by which to scale the learning rate from the next step on.
    var learningRateScale = 1.0
}
