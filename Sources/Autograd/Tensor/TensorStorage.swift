/// The heap buffer behind a tensor: a header holding the element count and the elements in
/// one allocation. Tensors share a storage until one of them writes (copy-on-write).
final class TensorStorage<Scalar: TensorScalar>: ManagedBuffer<Int, Scalar> {
    /// A buffer of `count` uninitialised elements (trivial scalars need no initialisation).
    static func allocate(count: Int) -> TensorStorage {
        unsafeDowncast(create(minimumCapacity: count) { _ in count }, to: TensorStorage.self)
    }

    /// The number of elements.
    var count: Int { header }

    /// Calls `body` with the elements.
    @inline(__always)
    func withBuffer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointerToElements { try body(UnsafeMutableBufferPointer(start: $0, count: header)) }
    }

    /// A new storage holding the same elements.
    func copy() -> TensorStorage {
        let result = TensorStorage.allocate(count: count)
        withBuffer { source in
            result.withBuffer { target in
                _ = target.initialize(fromContentsOf: source)
            }
        }
        return result
    }
}
