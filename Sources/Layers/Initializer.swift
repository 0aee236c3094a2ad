import Autograd

/// How a layer's initial parameters are drawn. Every draw comes from a generator the caller
/// seeds, so the same seed gives the same weights.
///
/// `fanIn` is the number of inputs each output sums over (`inputSize` for ``Dense``,
/// kh·kw·cin for ``Conv2D``), `fanOut` the number of outputs each input feeds
/// (`outputSize`, kh·kw·cout).
public enum Initializer: Sendable, Hashable {
    /// `scale` · N(0, 1): the seeds' netbp uses `0.5*randn` for every weight and bias.
    case gaussian(scale: Double)
    /// Glorot/Xavier uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)).
    case glorotUniform
    /// He normal: N(0, 2 / fanIn), for layers followed by ReLU (not truncated).
    case heNormal
    /// All zeros (the usual bias initialisation).
    case zeros

    /// A tensor of `shape` drawn with this rule from `generator`; a shape too large to hold
    /// stops at the caller's `file` and `line`.
    public func makeTensor<Scalar: TensorScalar>(
        _ shape: Shape, fanIn: Int, fanOut: Int, using generator: inout some RandomNumberGenerator,
        file: StaticString = #fileID, line: UInt = #line
    ) -> Tensor<Scalar> {
        switch self {
        case .gaussian(let scale):
            return Tensor(randomNormal: shape, standardDeviation: Scalar(scale), using: &generator, file: file, line: line)
        case .glorotUniform:
            let limit = Scalar((6 / Double(fanIn + fanOut)).squareRoot())
            return Tensor(randomUniform: shape, in: -limit..<limit, using: &generator, file: file, line: line)
        case .heNormal:
            return Tensor(randomNormal: shape, standardDeviation: Scalar((2 / Double(fanIn)).squareRoot()), using: &generator,
                          file: file, line: line)
        case .zeros:
            return Tensor.zeros(shape, file: file, line: line)
        }
    }
}
