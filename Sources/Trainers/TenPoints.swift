import Autograd

/// The ten labelled points of the seeds' netbp example (Higham & Higham §2, Fig. 2.1; the thesis
/// adds the third coordinate): category A (target [1, 0]) for the first five, B ([0, 1]) for the rest.
public enum TenPoints {
    /// First coordinates.
    public static let x1: [Double] = [0.1, 0.3, 0.1, 0.6, 0.4, 0.6, 0.5, 0.9, 0.4, 0.7]
    /// Second coordinates.
    public static let x2: [Double] = [0.1, 0.4, 0.5, 0.9, 0.2, 0.3, 0.6, 0.2, 0.4, 0.6]
    /// Third coordinates (thesis only).
    public static let x3: [Double] = [0.1, 0.2, 0.6, 0.9, 0.4, 0.5, 0.1, 0.2, 0.3, 0.8]

    /// The points as a [10, inputSize] tensor (inputSize 2 or 3).
    public static func inputs<Scalar: TensorScalar>(inputSize: Int) -> Tensor<Scalar> {
        let columns = [x1, x2, x3].prefix(inputSize)
        let scalars = (0..<10).flatMap { point in columns.map { Scalar($0[point]) } }
        return Tensor(scalars, shape: [10, inputSize])
    }

    /// The targets as a [10, 2] tensor.
    public static func targets<Scalar: TensorScalar>() -> Tensor<Scalar> {
        Tensor((0..<10).flatMap { $0 < 5 ? [1, 0] : [0, 1] }, shape: [10, 2])
    }
}
