import Autograd

/// A long short-term memory layer over sequences [B, T, inputSize], as PyTorch's `nn.LSTM` with
/// `batch_first=True`: `LSTM<Float>(inputSize: 3, hiddenSize: 8, returning: .allSteps, using: &generator)`.
/// See ``LSTMCell`` for its equations.
public typealias LSTM<Scalar: TensorScalar> = RecurrentLayer<Scalar, LSTMCell>

/// The step of an ``LSTM``. With the gates in PyTorch's order i, f, g, o along the weights' rows:
///
///     i = σ(W_ii x_t + b_ii + W_hi h + b_hi)        input gate
///     f = σ(W_if x_t + b_if + W_hf h + b_hf)        forget gate
///     g = tanh(W_ig x_t + b_ig + W_hg h + b_hg)     cell candidate
///     o = σ(W_io x_t + b_io + W_ho h + b_ho)        output gate
///     c′ = f ∘ c + i ∘ g,   h′ = o ∘ tanh(c′)
///
/// The state is (h, c), both starting at zero.
public enum LSTMCell: RecurrentCell {
    /// "LSTM".
    public static let name = "LSTM"
    /// i, f, g, o.
    public static let gateCount = 4
    /// h and c.
    public static let stateCount = 2

    /// (h′, c′) from (h, c).
    public static func step<Scalar: TensorScalar>(inputGates: Tensor<Scalar>, hiddenGates: Tensor<Scalar>,
                                                  state: [Tensor<Scalar>]) -> [Tensor<Scalar>] {
        let gates = (inputGates + hiddenGates).split(count: 4, alongAxis: 1)
        let cell = gates[1].sigmoid() * state[1] + gates[0].sigmoid() * gates[2].tanh()
        return [gates[3].sigmoid() * cell.tanh(), cell]
    }
}
