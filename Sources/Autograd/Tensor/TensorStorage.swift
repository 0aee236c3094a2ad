/// The heap buffer behind a tensor: a header and the elements in one allocation. Tensors share a
/// storage until one of them writes (copy-on-write).
///
/// The elements start on a 64-byte boundary (a cache line: a vector of 16 `Float`s never
/// straddles two), and those of large tensors on a 4 KiB boundary (large products measured
/// steadier and faster so). A `ManagedBuffer` places its elements 8 bytes past a 16-byte
/// boundary; the allocation holds enough spare elements to move them.
final class TensorStorage<Scalar: TensorElement>: ManagedBuffer<TensorStorageHeader, Scalar> {
    /// Tensors of at least this many bytes are aligned to a page rather than a cache line.
    static var pageAlignedBytes: Int { 65_536 }

    /// Below this many elements (8 MiB of `Double`) a tensor fits in any machine's memory, and
    /// the allocation skips the check: netbp's step allocates dozens of two-element tensors.
    static var certainlyFittingCount: Int { 1 << 20 }

    /// A buffer of `count` uninitialised elements (trivial scalars need no initialisation);
    /// stops with the size when they would not fit in the machine's memory.
    static func allocate(count: Int) -> TensorStorage {
        if count >= certainlyFittingCount, let problem = PhysicalMemory.problem(holding: count, of: Scalar.self) {
            fatalError("Tensor: \(count) elements of \(Scalar.self) \(problem)")
        }
        let stride = MemoryLayout<Scalar>.stride
        let alignment = count * stride >= pageAlignedBytes ? 4_096 : 64
        let storage = unsafeDowncast(create(minimumCapacity: count + alignment / stride) { _ in
            TensorStorageHeader(count: count, offset: 0)
        }, to: TensorStorage.self)
        storage.withUnsafeMutablePointers { header, elements in
            let misalignment = Int(bitPattern: elements) % alignment
            header.pointee.offset = misalignment == 0 ? 0 : (alignment - misalignment) / stride
        }
        return storage
    }

    /// The number of elements.
    var count: Int { header.count }

    /// Calls `body` with the elements.
    @inline(__always)
    func withBuffer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointers { header, elements in
            try body(UnsafeMutableBufferPointer(start: elements + header.pointee.offset, count: header.pointee.count))
        }
    }

    /// Where the elements start, for the forward rules' operand lists. Valid while the storage lives.
    var rawElements: UnsafeRawPointer { withBuffer { UnsafeRawPointer($0.baseAddress!) } }

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

/// A storage's element count and where its elements start (in elements past the buffer's start).
struct TensorStorageHeader {
    var count: Int
    var offset: Int
}
