import Autograd

/// Inverted dropout: while training, each element is set to zero with probability `rate` (p)
/// and the survivors are scaled by 1/(1 − p), so the expected value of every element is kept
/// and inference uses the network as it is. In inference mode the layer is the identity.
///
/// Seed 004 (§7.2) describes the non-inverted form and scales the trained weights "by a factor
/// of p"; that is a typo for the keep probability 1 − p (MATH.md §1.17). Inverted dropout is the
/// same model with the scaling moved into training.
public struct Dropout<Scalar: TensorScalar>: Module {
    /// p: the probability that an element is dropped, in [0, 1).
    public var rate: Double

    /// A dropout layer dropping with probability `rate` (0 ≤ rate < 1), given as a literal, a
    /// `Double`, or the model's `Float`.
    public init(rate: some BinaryFloatingPoint, file: StaticString = #fileID, line: UInt = #line) {
        guard rate >= 0, rate < 1 else {
            fatalError("Dropout: rate \(rate) is outside [0, 1)", file: file, line: line)
        }
        self.rate = Double(rate)
    }

    /// While training, `input` ∘ m with a fresh mask m (entries 0 or 1/(1 − p)) drawn from the
    /// context's generator (or the context's next supplied mask, see ``ForwardContext/suppliedMasks``);
    /// otherwise `input` itself.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        guard context.isTraining, rate > 0 else { return input }
        return input.multiplying(byMask: context.dropoutMask(input.shape, rate: rate))
    }

    /// A mask of `shape`: each entry independently 1/(1 − p) with probability 1 − p, else 0.
    @_specialize(where Scalar == Float)
    public func mask(_ shape: Shape, using generator: inout SeededGenerator) -> Tensor<Scalar> {
        let keep = 1 - rate
        // An entry is kept when a uniform 64-bit word falls below keep · 2⁶⁴.
        let threshold = keep < 1 ? UInt64(keep * 0x1p64) : UInt64.max
        let kept = Scalar(1 / keep)
        var mask = Tensor<Scalar>.zeros(shape)
        mask.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where generator.next() < threshold {
                buffer[index] = kept
            }
        }
        return mask
    }

    /// None.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {}

    /// The input's shape.
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape { shape }

    /// "Dropout(p)".
    public var layerDescription: String { "Dropout(\(rate))" }
}
