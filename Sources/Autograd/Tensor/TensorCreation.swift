extension Tensor {
    /// A tensor of `shape` filled with zeros.
    public static func zeros(_ shape: Shape, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        Tensor("Tensor.zeros", shape: shape, file: file, line: line) { $0.initialize(repeating: 0) }
    }

    /// A tensor of `shape` filled with ones.
    public static func ones(_ shape: Shape, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        Tensor("Tensor.ones", shape: shape, file: file, line: line) { $0.initialize(repeating: 1) }
    }

    /// The `size` × `size` identity matrix.
    public static func identity(_ size: Int, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        var result = Tensor("Tensor.identity", shape: [size, size], file: file, line: line) { $0.initialize(repeating: 0) }
        result.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<size { buffer[i * size + i] = 1 }
        }
        return result
    }
}

extension Tensor where Scalar: TensorScalar {
    /// A tensor of `shape` with elements drawn from N(`mean`, `standardDeviation`²) using `generator`.
    public init<G: RandomNumberGenerator>(
        randomNormal shape: Shape, mean: Scalar = 0, standardDeviation: Scalar = 1, using generator: inout G,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        let (mean, deviation) = (Double(mean), Double(standardDeviation))
        self.init("Tensor(randomNormal:)", shape: shape, file: file, line: line) { buffer in
            for i in buffer.indices {
                buffer[i] = Scalar(mean + deviation * generator.nextStandardNormal())
            }
        }
    }

    /// A tensor of `shape` with elements drawn uniformly from `range` using `generator`.
    public init<G: RandomNumberGenerator>(
        randomUniform shape: Shape, in range: Range<Scalar> = 0..<1, using generator: inout G,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        self.init("Tensor(randomUniform:)", shape: shape, file: file, line: line) { buffer in
            for i in buffer.indices { buffer[i] = Scalar.random(in: range, using: &generator) }
        }
    }
}

extension Tensor where Scalar: TensorScalar {
    /// The same values converted to another scalar type (not recorded).
    public init<Source: TensorScalar>(_ other: Tensor<Source>) {
        self.init(shape: other.shape) { target in
            other.withUnsafeBufferPointer { source in
                for i in source.indices { target[i] = Scalar(source[i]) }
            }
        }
    }

    /// The indices of an index tensor as floating-point values (not recorded).
    public init(_ indices: Tensor<Int32>) {
        self.init(shape: indices.shape) { target in
            indices.withUnsafeBufferPointer { source in
                for i in source.indices { target[i] = Scalar(source[i]) }
            }
        }
    }

    /// Whether both tensors have the same shape and every pair of elements satisfies
    /// |a − b| ≤ `absoluteTolerance` + `relativeTolerance` · |b|. NaN never compares equal.
    public func isApproximatelyEqual(
        to other: Tensor, absoluteTolerance: Scalar = 1e-6, relativeTolerance: Scalar = 1e-5
    ) -> Bool {
        guard shape == other.shape else { return false }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                zip(a, b).allSatisfy { x, y in Swift.abs(x - y) <= absoluteTolerance + relativeTolerance * Swift.abs(y) }
            }
        }
    }

    /// Whether every element is finite (no NaN, no infinity).
    public var isFinite: Bool { withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) } }
}
