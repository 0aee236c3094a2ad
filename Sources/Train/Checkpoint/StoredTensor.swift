import Autograd

#if _endian(big)
#error("Checkpoints copy tensors' bytes as they are in memory and are little-endian: big-endian hosts are not supported.")
#endif

/// The element types of the safetensors format, by their names in the header.
public enum DType: String, CaseIterable, Hashable, Sendable {
    /// One byte: boolean, unsigned and signed integers, the two 8-bit float formats.
    case bool = "BOOL", uint8 = "U8", int8 = "I8", float8E5M2 = "F8_E5M2", float8E4M3 = "F8_E4M3"
    /// Two bytes: integers, IEEE half precision, bfloat16.
    case int16 = "I16", uint16 = "U16", float16 = "F16", bfloat16 = "BF16"
    /// Four bytes: integers and `Float`.
    case int32 = "I32", uint32 = "U32", float32 = "F32"
    /// Eight bytes: integers and `Double`.
    case int64 = "I64", uint64 = "U64", float64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// The dtype of a tensor scalar type: F32 for `Float`, F64 for `Double`.
    static func of<Scalar: TensorScalar>(_: Scalar.Type) -> DType { MemoryLayout<Scalar>.size == 4 ? .float32 : .float64 }
}

/// One tensor as a checkpoint stores it: element type, shape and raw little-endian bytes
/// (row-major, `shape.product × dtype.byteSize` of them; an empty shape is one element).
public struct StoredTensor: Hashable, Sendable {
    /// The element type.
    public let dtype: DType
    /// The extent of each axis.
    public let shape: [Int]
    /// The elements' bytes, little-endian, row-major.
    public let bytes: [UInt8]

    /// A stored tensor from its parts; `bytes.count` must equal the element count times the
    /// dtype's size.
    public init(dtype: DType, shape: [Int], bytes: [UInt8], file: StaticString = #fileID, line: UInt = #line) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) * dtype.byteSize == bytes.count else {
            fatalError("StoredTensor: \(bytes.count) bytes do not fill shape \(shape) of \(dtype.rawValue)", file: file, line: line)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A `Float` tensor as F32 or a `Double` tensor as F64.
    public init<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) {
        self.init(dtype: .of(Scalar.self), shape: tensor.shape.dimensions, bytes: tensor.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) })
    }

    /// Integers as I64, of `shape` (default: a vector).
    public init(_ values: [Int64], shape: [Int]? = nil) {
        self.init(dtype: .int64, shape: shape ?? [values.count], bytes: values.withUnsafeBytes(Array.init))
    }

    /// Unsigned integers as U64, of `shape` (default: a vector).
    public init(_ values: [UInt64], shape: [Int]? = nil) {
        self.init(dtype: .uint64, shape: shape ?? [values.count], bytes: values.withUnsafeBytes(Array.init))
    }

    /// The number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements reinterpreted as `T`, which the caller has matched to the dtype.
    func elements<T: BitwiseCopyable>(as _: T.Type) -> [T] {
        [T](unsafeUninitializedCapacity: elementCount) { buffer, count in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            count = elementCount
        }
    }
}
