// Forward evaluation through the kernel table, shared by every primitive (not recorded).

extension Tensor {
    /// `operation` applied to every element.
    func mapped(_ operation: UnaryKernel<Scalar>) -> Tensor {
        Tensor(shape: shape) { output in
            withUnsafeBufferPointer { input in
                Scalar._kernels.unary(operation, input.baseAddress!, output.baseAddress!, input.count)
            }
        }
    }

    /// `operation` applied to pairs of elements of two tensors of the same shape.
    func combined(_ operation: BinaryKernel, _ other: Tensor) -> Tensor {
        assert(shape == other.shape)
        return Tensor(shape: shape) { output in
            withUnsafeBufferPointer { lhs in
                other.withUnsafeBufferPointer { rhs in
                    Scalar._kernels.binary(operation, lhs.baseAddress!, rhs.baseAddress!, output.baseAddress!, lhs.count)
                }
            }
        }
    }
}

extension Tensor {
    /// Stops with a message naming the operation, both shapes and the caller's location.
    static func shapeMismatch(
        _ operation: String, _ lhs: Shape, _ rhs: Shape, _ problem: String,
        file: StaticString, line: UInt
    ) -> Never {
        preconditionFailure("\(operation): shapes \(lhs) and \(rhs) \(problem)", file: file, line: line)
    }
}

/// The sum of two optional tangents, nil standing for zero (at least one must be present).
func addTangents<Scalar>(_ a: Tensor<Scalar>?, _ b: Tensor<Scalar>?) -> Tensor<Scalar> {
    switch (a, b) {
    case let (a?, b?): a + b
    case let (a?, nil): a
    case let (nil, b?): b
    case (nil, nil): preconditionFailure("sum of two zero tangents")
    }
}
