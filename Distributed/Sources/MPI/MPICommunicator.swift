import Autograd
import CMPI
import Foundation
import Train

/// The processes of an MPI job (`MPI_COMM_WORLD`), for data-parallel training and for the
/// collective operations it needs: rank, size, all-reduce (sum and mean) of tensors,
/// broadcast, barrier. Errors come back as ``MPIError`` (the communicator is set to
/// `MPI_ERRORS_RETURN`).
///
/// ```swift
/// let world = try MPICommunicator.world()
/// var trainer = Trainer(model: model, optimizer: Adam<Float>(learningRate: 1e-3), loss: .softmaxCrossEntropy, seed: 1)
/// trainer.dataParallel = world           // each process trains on its part of every batch
/// try trainer.fit(training: data, epochs: 5, batchSize: 64)
/// world.finalize()
/// ```
///
/// Every process must make the same calls in the same order (they are collective). Calls come
/// from one thread (MPI is initialised with `MPI_THREAD_FUNNELED`); the kernels' worker threads
/// never call MPI.
public final class MPICommunicator: DataParallelGroup {
    /// This process's rank, `0..<size`.
    public let rank: Int
    /// The number of processes in the job.
    public let size: Int
    /// The size from which a bucket of gradients is summed by one `MPI_Iallreduce`, in bytes
    /// (256 KiB by default). A bucket starts as soon as all its gradients are final, while the
    /// backward pass goes on; smaller buckets start sooner, larger ones cost fewer calls. The
    /// last bucket is summed after the backward pass, by a blocking `MPI_Allreduce`.
    public var bucketBytes = 1 << 18
    /// Time and volume of the gradient sums so far.
    public private(set) var statistics = Statistics()

    let communicator: MPI_Comm?
    private var buckets = GradientBuckets()
    private let clock = ContinuousClock()

    /// What the gradient sums have cost.
    public struct Statistics: Sendable {
        /// Training steps whose gradients were summed.
        public var steps = 0
        /// Bytes summed per process (the gradients of every step).
        public var bytes = 0
        /// Seconds spent in the training steps' backward passes and gradient sums, from
        /// ``beginGradientSum(shapes:weight:of:)`` to the end of ``finishGradientSum(_:)``.
        public var stepSeconds = 0.0
        /// Seconds the steps waited for the sums after their backward pass (the communication
        /// that the backward pass did not hide).
        public var waitSeconds = 0.0
        /// Seconds spent in ``sum(_:)`` (losses, accuracies and stop flags of each step).
        public var statusSeconds = 0.0
    }

    /// The job's communicator (`MPI_COMM_WORLD`), initialising MPI on first use. A program
    /// started without `mpirun` is a job of one process.
    public static func world() throws -> MPICommunicator {
        var initialized: Int32 = 0
        try check(MPI_Initialized(&initialized), "MPI_Initialized", rank: -1)
        if initialized == 0 {
            var provided: Int32 = 0
            try check(MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided), "MPI_Init_thread", rank: -1)
        }
        let world = cmpi_comm_world()
        try check(MPI_Comm_set_errhandler(world, cmpi_errors_return()), "MPI_Comm_set_errhandler", rank: -1)
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(world, &rank), "MPI_Comm_rank", rank: -1)
        try check(MPI_Comm_size(world, &size), "MPI_Comm_size", rank: Int(rank))
        return MPICommunicator(world, rank: Int(rank), size: Int(size))
    }

    private init(_ communicator: MPI_Comm?, rank: Int, size: Int) {
        self.communicator = communicator
        self.rank = rank
        self.size = size
    }

    deinit { buckets.release() }

    /// The name of the machine this process runs on (`MPI_Get_processor_name`).
    public var processorName: String {
        var text = [CChar](repeating: 0, count: Int(cmpi_max_processor_name()) + 1)
        var length: Int32 = 0
        guard MPI_Get_processor_name(&text, &length) == cmpi_success() else { return "?" }
        return String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Waits until every process has called it.
    public func barrier() throws {
        try check(MPI_Barrier(communicator), "MPI_Barrier", rank: rank)
    }

    /// How ``allReduce(_:_:)`` combines the processes' tensors.
    public enum Reduction: Sendable {
        /// The element-wise sum.
        case sum
        /// The element-wise mean: the sum divided by the number of processes.
        case mean
    }

    /// The element-wise sum or mean of `tensor` over every process (each gives the same shape).
    public func allReduce<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, _ reduction: Reduction = .sum) throws -> Tensor<Scalar> {
        var result = tensor
        try result.withUnsafeMutableBufferPointer { buffer in
            try check(MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), datatype(Scalar.self), cmpi_sum(),
                                    communicator), "MPI_Allreduce", rank: rank)
            if reduction == .mean {
                let start = UnsafeMutableRawPointer(buffer.baseAddress!)
                scaledCopy(start, to: start, count: buffer.count, scalarSize: MemoryLayout<Scalar>.stride, weight: 1 / Double(size))
            }
        }
        return result
    }

    /// The element-wise sum of `values` over every process (each gives as many).
    public func sum(_ values: [Double]) throws -> [Double] {
        let start = clock.now
        defer { statistics.statusSeconds += (clock.now - start) / .seconds(1) }
        var result = values
        try result.withUnsafeMutableBufferPointer { buffer in
            try check(MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count), cmpi_double(), cmpi_sum(), communicator),
                      "MPI_Allreduce", rank: rank)
        }
        return result
    }

    /// Process `root`'s tensors on every process (each gives tensors of the same shapes).
    public func broadcast<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], from root: Int = 0) throws -> [Tensor<Scalar>] {
        try tensors.map { tensor in
            var result = tensor
            try result.withUnsafeMutableBufferPointer { buffer in
                try check(MPI_Bcast(buffer.baseAddress, Int32(buffer.count), datatype(Scalar.self), Int32(root), communicator),
                          "MPI_Bcast", rank: rank)
            }
            return result
        }
    }

    /// Process `root`'s `tensor` on every process.
    public func broadcast<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, from root: Int = 0) throws -> Tensor<Scalar> {
        try broadcast([tensor], from: root)[0]
    }

    /// Stops every process of the job (`MPI_Abort`) after writing `message`, naming this rank,
    /// to standard error: what a process does when it cannot go on, so that no other process
    /// waits for it forever.
    public func abort(_ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(size) stops the job: \(message)\n".utf8))
        MPI_Abort(communicator, status)
        exit(status)
    }

    /// Ends MPI in this process (`MPI_Finalize`, a collective call); nothing may use MPI afterwards.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    // MARK: Gradient sums (DataParallelGroup)

    /// Starts a step's gradient sum: lays out the buckets for `shapes` (once per layout).
    public func beginGradientSum<Scalar: TensorScalar>(shapes: [Shape], weight: Double, of scalar: Scalar.Type) {
        buckets.begin(shapes: shapes, scalarSize: MemoryLayout<Scalar>.stride, weight: weight, bucketBytes: bucketBytes,
                      start: clock.now)
    }

    /// Copies the final gradient of parameter `index`, weighted, into its bucket and starts the
    /// sum of every bucket that is now complete (in bucket order, the same on every process).
    public func gradientIsFinal<Scalar: TensorScalar>(_ gradient: Tensor<Scalar>, parameter index: Int) {
        buckets.add(gradient, parameter: index)
        buckets.startComplete(self, Scalar.self)
    }

    /// Adds the gradients not handed over yet, waits for every bucket's sum and returns the
    /// summed gradients.
    public func finishGradientSum<Scalar: TensorScalar>(_ gradients: [Tensor<Scalar>]) throws -> [Tensor<Scalar>] {
        let backwardEnd = clock.now
        for index in gradients.indices where !buckets.isDone(index) { buckets.add(gradients[index], parameter: index) }
        buckets.startComplete(self, Scalar.self)
        let result: [Tensor<Scalar>] = try buckets.finish(self)
        let end = clock.now
        statistics.steps += 1
        statistics.bytes += buckets.totalBytes
        statistics.stepSeconds += (end - buckets.start) / .seconds(1)
        statistics.waitSeconds += (end - backwardEnd) / .seconds(1)
        return result
    }

    /// MPI's type for `Scalar`.
    func datatype<Scalar: TensorScalar>(_: Scalar.Type) -> MPI_Datatype? {
        Scalar.self == Float.self ? cmpi_float() : cmpi_double()
    }
}
