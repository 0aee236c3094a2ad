import Autograd
import CMPI

/// The gradients of a step in buckets, as PyTorch's DistributedDataParallel sums them: the
/// parameters in reverse order (the order in which the backward pass finishes their gradients),
/// cut into buckets of about `bucketBytes`; a bucket's `MPI_Iallreduce` starts as soon as all
/// its gradients are final and every earlier bucket has started, so that every process starts
/// the same sums in the same order while its backward pass goes on.
struct GradientBuckets {
    private struct Bucket {
        /// The parameters in the bucket and where each starts in `buffer`, in elements.
        var parameters: [(index: Int, offset: Int)]
        var elements: Int
        var buffer: UnsafeMutableRawPointer
        var ready = 0
        var request: MPI_Request? = nil
        /// Whether `request` is a sum under way.
        var pending = false
    }

    private var shapes: [Shape] = []
    private var scalarSize = 0
    private var configuredBytes = 0
    private var buckets: [Bucket] = []
    /// For each parameter: its bucket and its offset in the bucket's buffer.
    private var place: [(bucket: Int, offset: Int)] = []
    private var done: [Bool] = []
    private var nextToStart = 0
    private var weight = 1.0
    private var failure: MPIError?
    /// When the step's sum began.
    private(set) var start = ContinuousClock.now
    /// The bytes of one step's gradients.
    var totalBytes: Int { buckets.reduce(0) { $0 + $1.elements } * scalarSize }

    /// Prepares a step: the layout of `shapes` (rebuilt when it changes), nothing ready yet.
    mutating func begin(shapes: [Shape], scalarSize: Int, weight: Double, bucketBytes: Int, start: ContinuousClock.Instant) {
        if shapes != self.shapes || scalarSize != self.scalarSize || bucketBytes != configuredBytes {
            release()
            (self.shapes, self.scalarSize, configuredBytes) = (shapes, scalarSize, bucketBytes)
            place = Array(repeating: (0, 0), count: shapes.count)
            var current: [(index: Int, offset: Int)] = []
            var elements = 0
            func close() {
                guard !current.isEmpty else { return }
                buckets.append(Bucket(parameters: current, elements: elements,
                                      buffer: .allocate(byteCount: max(1, elements * scalarSize), alignment: 64)))
                current = []
                elements = 0
            }
            for index in shapes.indices.reversed() {
                place[index] = (buckets.count, elements)
                current.append((index, elements))
                elements += shapes[index].elementCount
                if elements * scalarSize >= bucketBytes { close() }
            }
            close()
        }
        for index in buckets.indices { buckets[index].ready = 0 }
        done = Array(repeating: false, count: shapes.count)
        nextToStart = 0
        failure = nil
        self.weight = weight
        self.start = start
    }

    /// Whether parameter `index`'s gradient is in its bucket.
    func isDone(_ index: Int) -> Bool { done[index] }

    /// Copies `gradient` × weight into its bucket.
    mutating func add<Scalar: TensorScalar>(_ gradient: Tensor<Scalar>, parameter index: Int) {
        precondition(!done[index] && gradient.shape == shapes[index],
                     "gradient sum: parameter \(index) of shape \(gradient.shape) handed over twice or for shape \(shapes[index])")
        let (bucket, offset) = place[index]
        let target = buckets[bucket].buffer.assumingMemoryBound(to: Scalar.self) + offset
        let scale = Scalar(weight)
        gradient.withUnsafeBufferPointer { source in
            if scale == 1 {
                target.update(from: source.baseAddress!, count: source.count)
            } else {
                for element in source.indices { target[element] = source[element] * scale }
            }
        }
        done[index] = true
        buckets[bucket].ready += 1
    }

    /// Starts the sum of each complete bucket, in order, and lets MPI progress the sums under way.
    mutating func startComplete<Scalar: TensorScalar>(_ communicator: MPICommunicator, _: Scalar.Type) {
        guard failure == nil else { return }
        while nextToStart < buckets.count, buckets[nextToStart].ready == buckets[nextToStart].parameters.count {
            var request: MPI_Request? = cmpi_request_null()
            let code = MPI_Iallreduce(cmpi_in_place(), buckets[nextToStart].buffer, Int32(buckets[nextToStart].elements),
                                      communicator.datatype(Scalar.self), cmpi_sum(), communicator.communicator, &request)
            guard code == cmpi_success() else {
                failure = MPIError("MPI_Iallreduce", code: code, rank: communicator.rank)
                return
            }
            buckets[nextToStart].request = request
            buckets[nextToStart].pending = true
            nextToStart += 1
        }
        // Non-blocking collectives advance only inside MPI calls: test the started ones.
        for index in 0..<nextToStart {
            guard buckets[index].pending else { continue }
            var flag: Int32 = 0
            let code = MPI_Test(&buckets[index].request, &flag, cmpi_status_ignore())
            guard code == cmpi_success() else {
                failure = MPIError("MPI_Test", code: code, rank: communicator.rank)
                return
            }
            if flag != 0 { buckets[index].pending = false }
        }
    }

    /// Waits for every bucket's sum and returns the summed gradients, shaped as the parameters.
    mutating func finish<Scalar: TensorScalar>(_ communicator: MPICommunicator) throws -> [Tensor<Scalar>] {
        if let failure { throw failure }
        precondition(nextToStart == buckets.count, "gradient sum: a bucket did not start")
        for index in buckets.indices {
            guard buckets[index].pending else { continue }
            try check(MPI_Wait(&buckets[index].request, cmpi_status_ignore()), "MPI_Wait (gradient all-reduce)", rank: communicator.rank)
            buckets[index].pending = false
        }
        return shapes.indices.map { index in
            let (bucket, offset) = place[index]
            let source = buckets[bucket].buffer.assumingMemoryBound(to: Scalar.self) + offset
            var result = Tensor<Scalar>.zeros(shapes[index])
            result.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source, count: $0.count) }
            return result
        }
    }

    /// Frees the buffers.
    mutating func release() {
        for bucket in buckets { bucket.buffer.deallocate() }
        buckets = []
    }
}
