import Autograd
import CMPI
import Foundation

/// The gradients of a step in buckets, as PyTorch's DistributedDataParallel sums them: the
/// parameters in reverse order (the order in which the backward pass finishes their gradients),
/// cut into buckets of about `bucketBytes`; a bucket's `MPI_Iallreduce` starts as soon as all
/// its gradients are final and every earlier bucket has started, so that every process starts
/// the same sums in the same order while its backward pass goes on. The last bucket is summed
/// by a blocking `MPI_Allreduce` once the backward pass is over.
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
        let target = buckets[bucket].buffer + offset * scalarSize
        gradient.withUnsafeBufferPointer { source in
            scaledCopy(UnsafeRawPointer(source.baseAddress!), to: target, count: source.count, scalarSize: scalarSize, weight: weight)
        }
        done[index] = true
        buckets[bucket].ready += 1
    }

    /// Starts the sum of each complete bucket, in order, and lets MPI progress the sums under way.
    mutating func startComplete<Scalar: TensorScalar>(_ communicator: MPICommunicator, _: Scalar.Type) {
        guard failure == nil else { return }
        while nextToStart < buckets.count - 1, buckets[nextToStart].ready == buckets[nextToStart].parameters.count {
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
        guard !buckets.isEmpty else { return [] }  // a model without parameters
        precondition(nextToStart == buckets.count - 1, "gradient sum: a bucket did not start")
        // The last bucket (the first layers' gradients, final last) has nothing left to overlap
        // with: a blocking all-reduce, faster than a non-blocking one. Every process sums it so,
        // after starting the same non-blocking sums, so the collectives match.
        let last = buckets[buckets.count - 1]
        try check(MPI_Allreduce(cmpi_in_place(), last.buffer, Int32(last.elements), communicator.datatype(Scalar.self), cmpi_sum(),
                                communicator.communicator), "MPI_Allreduce (gradient all-reduce)", rank: communicator.rank)
        for index in buckets.indices {
            guard buckets[index].pending else { continue }
            try check(MPI_Wait(&buckets[index].request, cmpi_status_ignore()), "MPI_Wait (gradient all-reduce)", rank: communicator.rank)
            buckets[index].pending = false
        }
        return shapes.indices.map { index in
            let (bucket, offset) = place[index]
            return tensor(shapes[index], copying: buckets[bucket].buffer + offset * scalarSize)
        }
    }

    /// Frees the buffers.
    mutating func release() {
        for bucket in buckets { bucket.buffer.deallocate() }
        buckets = []
    }
}

/// `weight` × the `count` Floats (`scalarSize` 4) or Doubles (8) at `source`, written to
/// `target`. Concrete loops: the generic code that calls it is not specialised (it is reached
/// through the `DataParallelGroup` protocol), and a generic element loop would cost
/// milliseconds per step.
func scaledCopy(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int, scalarSize: Int, weight: Double) {
    if weight == 1 {
        _ = memmove(target, source, count * scalarSize)
    } else if scalarSize == MemoryLayout<Float>.size {
        scale(source.assumingMemoryBound(to: Float.self), to: target.assumingMemoryBound(to: Float.self), count, Float(weight))
    } else {
        scale(source.assumingMemoryBound(to: Double.self), to: target.assumingMemoryBound(to: Double.self), count, weight)
    }
}

/// target[i] = source[i] × factor, for Float.
private func scale(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, _ count: Int, _ factor: Float) {
    for index in 0..<count { target[index] = source[index] * factor }
}

/// target[i] = source[i] × factor, for Double.
private func scale(_ source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, _ count: Int, _ factor: Double) {
    for index in 0..<count { target[index] = source[index] * factor }
}

/// A tensor of `shape` holding the Floats or Doubles at `source` (concrete code, as `scaledCopy`).
func tensor<Scalar: TensorScalar>(_ shape: Shape, copying source: UnsafeRawPointer) -> Tensor<Scalar> {
    if Scalar.self == Float.self { return copied(shape, source.assumingMemoryBound(to: Float.self)) as! Tensor<Scalar> }
    return copied(shape, source.assumingMemoryBound(to: Double.self)) as! Tensor<Scalar>
}

/// A Float tensor of `shape` copied from `source`.
private func copied(_ shape: Shape, _ source: UnsafePointer<Float>) -> Tensor<Float> {
    Tensor(Array(UnsafeBufferPointer(start: source, count: shape.elementCount)), shape: shape)
}

/// A Double tensor of `shape` copied from `source`.
private func copied(_ shape: Shape, _ source: UnsafePointer<Double>) -> Tensor<Double> {
    Tensor(Array(UnsafeBufferPointer(start: source, count: shape.elementCount)), shape: shape)
}
