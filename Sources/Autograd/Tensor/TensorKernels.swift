import KernelSupport

// Forward evaluation through the kernel table, shared by every primitive (not recorded).

extension Tensor where Scalar: TensorScalar {
    /// A tensor of `shape` computed by `forward` from the elements of one to three inputs.
    init(shape: Shape, evaluating forward: Forward<Scalar>, _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) {
        self.init(shape: shape) { output in
            withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: 3) { pointers in
                pointers[0] = a.storage.rawElements
                pointers[1] = (b ?? a).storage.rawElements
                pointers[2] = (c ?? a).storage.rawElements
                withExtendedLifetime((a, b, c)) {
                    forward(ForwardInputs(pointers: UnsafePointer(pointers.baseAddress!)), output.baseAddress!)
                }
            }
        }
    }

    /// A tensor of `shape` computed by `forward` from the elements of any number of `inputs`.
    init(shape: Shape, evaluating forward: Forward<Scalar>, inputs: [Tensor]) {
        self.init(shape: shape) { output in
            withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: Swift.max(inputs.count, 1)) { pointers in
                for (slot, input) in inputs.enumerated() { pointers[slot] = input.storage.rawElements }
                withExtendedLifetime(inputs) {
                    forward(ForwardInputs(pointers: UnsafePointer(pointers.baseAddress!)), output.baseAddress!)
                }
            }
        }
    }

    /// The forward rule applying `operation` to every element of a tensor of `count` elements.
    static func unaryForward(_ operation: UnaryKernel<Scalar>, count: Int) -> Forward<Scalar> {
        let kernel = Scalar.kernels.unary
        return { inputs, output in kernel(operation, inputs.first, output, count) }
    }

    /// The forward rule combining the elements of two tensors of `count` elements pairwise.
    static func binaryForward(_ operation: BinaryKernel<Scalar>, count: Int) -> Forward<Scalar> {
        let kernel = Scalar.kernels.binary
        return { inputs, output in kernel(operation, inputs.first, inputs.second, output, count) }
    }

    /// `operation` applied to every element (not recorded).
    func mapped(_ operation: UnaryKernel<Scalar>) -> Tensor {
        Tensor(shape: shape, evaluating: Tensor.unaryForward(operation, count: elementCount), self)
    }

    /// `operation` applied to pairs of elements of two tensors of the same shape (not recorded).
    func combined(_ operation: BinaryKernel<Scalar>, _ other: Tensor) -> Tensor {
        assert(shape == other.shape)
        return Tensor(shape: shape, evaluating: Tensor.binaryForward(operation, count: elementCount), self, other)
    }
}

extension Tensor where Scalar: TensorScalar {
    /// Stops with a message naming the operation, both shapes and the caller's location.
    static func shapeMismatch(
        _ operation: String, _ lhs: Shape, _ rhs: Shape, _ problem: String,
        file: StaticString, line: UInt
    ) -> Never {
        fatalError("\(operation): shapes \(lhs) and \(rhs) \(problem)", file: file, line: line)
    }
}

/// The sum of two optional tangents, nil standing for zero (at least one must be present).
func addTangents<Scalar: TensorScalar>(_ a: Tensor<Scalar>?, _ b: Tensor<Scalar>?) -> Tensor<Scalar> {
    switch (a, b) {
    case let (a?, b?): a + b
    case let (a?, nil): a
    case let (nil, b?): b
    case (nil, nil): fatalError("sum of two zero tangents")
    }
}
