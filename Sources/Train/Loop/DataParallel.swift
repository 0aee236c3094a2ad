import Autograd

/// The processes of a data-parallel training run, as ``Trainer/fit(training:validation:epochs:batchSize:withReplacement:callbacks:file:line:)``
/// uses them: each process holds a whole copy of the model and computes the gradient of its
/// own part of every mini-batch; the group sums what the processes contribute.
///
/// The package itself has no implementation that crosses a process: the companion package
/// `Distributed/` implements it on MPI (`MPICommunicator`). Every member of a group must call
/// the same methods in the same order with the same shapes (they are collective operations).
/// A method that cannot complete throws; the trainer then stops with that error.
public protocol DataParallelGroup: AnyObject {
    /// This process's number, `0..<size`; process 0 writes checkpoints and progress.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }

    /// The element-wise sum of `values` over every process (each gives as many).
    func sum(_ values: [Double]) throws -> [Double]

    /// Process `root`'s tensors, on every process (each gives tensors of the same shapes).
    func broadcast<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], from root: Int) throws -> [Tensor<Scalar>]

    /// Starts the gradient sum of one training step: the gradients will have `shapes`, and this
    /// process's gradients count `weight` times (its share of the step's examples, so that the
    /// sum over processes is the gradient of the whole batch).
    func beginGradientSum<Scalar: TensorScalar>(shapes: [Shape], weight: Double, of scalar: Scalar.Type)

    /// This process's gradient of parameter `index` is final (called during the backward pass,
    /// each index at most once): the group may start summing it while the backward pass goes
    /// on. Errors are kept for ``finishGradientSum(_:)``.
    func gradientIsFinal<Scalar: TensorScalar>(_ gradient: Tensor<Scalar>, parameter index: Int)

    /// Ends the step's gradient sum: `gradients` are this process's gradients of every
    /// parameter (also those already handed over); returns Σ weight × gradient over processes.
    func finishGradientSum<Scalar: TensorScalar>(_ gradients: [Tensor<Scalar>]) throws -> [Tensor<Scalar>]
}

extension DataParallelGroup {
    /// Whether this process writes checkpoints, plots and progress: rank 0.
    public var isPrimary: Bool { rank == 0 }

    /// The examples of a global batch that this process trains on: its contiguous part of
    /// `batch` (`batch.count / size` examples, one more for the first `batch.count % size`
    /// ranks), so the parts are disjoint, cover the batch and depend only on the batch.
    public func shard(of batch: some Collection<Int>) -> ArraySlice<Int> {
        let indices = Array(batch)
        return indices[BatchShards.range(rank, of: size, in: indices.count)]
    }

    /// One value of each process, by rank (a ``sum(_:)`` of vectors that are zero but at each
    /// process's own rank).
    public func gathered(_ value: Double) throws -> [Double] {
        var values = [Double](repeating: 0, count: size)
        values[rank] = value
        return try sum(values)
    }
}

/// Processes of a data-parallel run that cannot train together, found before the first step.
public struct DataParallelError: Error, CustomStringConvertible {
    /// What differs, and on which ranks.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
