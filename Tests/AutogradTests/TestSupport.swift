@testable import Autograd

/// A seeded Double tensor with elements uniform in `range`, optionally kept at least `margin`
/// away from zero (for kinks and poles).
func randomTensor(_ shape: Shape, seed: UInt64, in range: Range<Double> = -1..<1, awayFromZero margin: Double = 0) -> Tensor<Double> {
    var generator = SeededGenerator(seed: seed)
    var tensor = Tensor<Double>(randomUniform: shape, in: range, using: &generator)
    if margin > 0 {
        tensor.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices where abs(buffer[i]) < margin {
                buffer[i] = buffer[i] < 0 ? buffer[i] - margin : buffer[i] + margin
            }
        }
    }
    return tensor
}

/// The primitives recorded while `f` runs at `inputs`.
func recordedPrimitives(of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>]) -> Set<Primitive> {
    withGradientTape(of: Double.self) { tape in
        _ = f(inputs.map(tape.watch))
        return Set(tape.tape.entries.map(\.primitive))
    }
}
