#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's physical memory: no tensor can be larger.
package enum PhysicalMemory {
    /// The physical memory in bytes (`Int.max` where the system does not say).
    package static let bytes: Int = {
        let (pages, pageSize) = (sysconf(Int32(_SC_PHYS_PAGES)), sysconf(Int32(_SC_PAGESIZE)))
        guard pages > 0, pageSize > 0 else { return Int.max }
        let (total, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : total
    }()

    /// `bytes` in gigabytes with one decimal, such as "23.9 GB".
    package static func gigabytes(_ bytes: Int) -> String {
        let tenths = bytes / 100_000_000
        return "\(tenths / 10).\(tenths % 10) GB"
    }

    /// Why `count` elements of `Scalar` cannot be held, or nil when they fit in memory.
    package static func problem<Scalar>(holding count: Int, of _: Scalar.Type) -> String? {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard overflow || size > bytes else { return nil }
        return "needs \(overflow ? "more than \(Int.max)" : String(size)) bytes, more than this machine's memory (\(gigabytes(bytes)))"
    }
}

extension Shape {
    /// The number of elements, or nil when the product of the dimensions overflows `Int`.
    var exactElementCount: Int? {
        var product = 1
        for dimension in dimensions {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }
}

extension Tensor {
    /// The element count of a new tensor of `shape` made by the public creator `operation`,
    /// or a stop that names the creator, the shape, the size and the caller's location when
    /// the count overflows `Int` or the elements would not fit in the machine's memory.
    static func checkedCount(of shape: Shape, for operation: String, file: StaticString, line: UInt) -> Int {
        guard let count = shape.exactElementCount else {
            fatalError("\(operation): shape \(shape) has more elements than an Int counts", file: file, line: line)
        }
        if let problem = PhysicalMemory.problem(holding: count, of: Scalar.self) {
            fatalError("\(operation): shape \(shape) \(problem)", file: file, line: line)
        }
        return count
    }

    /// A tensor of `shape` whose elements `initializer` writes, for the public creator
    /// `operation`: the size is checked first (``checkedCount(of:for:file:line:)``).
    init(_ operation: String, shape: Shape, file: StaticString, line: UInt,
         initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        _ = Tensor.checkedCount(of: shape, for: operation, file: file, line: line)
        try self.init(shape: shape, initializingWith: initializer)
    }
}
