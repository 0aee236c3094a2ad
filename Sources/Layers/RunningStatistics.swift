import Autograd
import Synchronization

/// The running mean and variance of a ``BatchNorm`` layer, in a box that copies of the layer
/// share, so that a training-mode call, which cannot mutate the layer, can update them.
/// The lock makes concurrent training calls on copies safe (their updates are applied one by one).
final class RunningStatistics<Scalar: TensorScalar>: Sendable {
    private let values: Mutex<(mean: Tensor<Scalar>, variance: Tensor<Scalar>)>

    /// A box holding `mean` and `variance`.
    init(mean: Tensor<Scalar>, variance: Tensor<Scalar>) { values = Mutex((mean, variance)) }

    /// The current mean and variance.
    var current: (mean: Tensor<Scalar>, variance: Tensor<Scalar>) { values.withLock { $0 } }

    /// Replaces both.
    func set(mean: Tensor<Scalar>, variance: Tensor<Scalar>) { values.withLock { $0 = (mean, variance) } }

    /// A new box with the same values.
    func copy() -> RunningStatistics {
        let (mean, variance) = current
        return RunningStatistics(mean: mean, variance: variance)
    }

    /// Moves each statistic towards the batch's: r ← (1 − momentum) r + momentum · b.
    func update(batchMean: [Scalar], batchVariance: [Scalar], momentum: Scalar) {
        values.withLock { values in
            values.mean = Self.blend(values.mean, batchMean, momentum)
            values.variance = Self.blend(values.variance, batchVariance, momentum)
        }
    }

    private static func blend(_ running: Tensor<Scalar>, _ batch: [Scalar], _ momentum: Scalar) -> Tensor<Scalar> {
        Tensor(zip(running.scalars, batch).map { (1 - momentum) * $0 + momentum * $1 }, shape: running.shape)
    }
}
