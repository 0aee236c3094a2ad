import Autograd

/// A gated recurrent unit layer over sequences [B, T, inputSize], as PyTorch's `nn.GRU` with
/// `batch_first=True`: `GRU<Float>(inputSize: 3, hiddenSize: 8, returning: .lastStep, using: &generator)`.
/// See ``GRUCell`` for its equations.
public typealias GRU<Scalar: TensorScalar> = RecurrentLayer<Scalar, GRUCell>

/// The step of a ``GRU``. With the gates in PyTorch's order r, z, n along the weights' rows:
///
///     r = σ(W_ir x_t + b_ir + W_hr h + b_hr)              reset gate
///     z = σ(W_iz x_t + b_iz + W_hz h + b_hz)              update gate
///     n = tanh(W_in x_t + b_in + r ∘ (W_hn h + b_hn))     candidate
///     h′ = (1 − z) ∘ n + z ∘ h
///
/// The state is h, starting at zero.
public enum GRUCell: RecurrentCell {
    /// "GRU".
    public static let name = "GRU"
    /// r, z, n.
    public static let gateCount = 3
    /// h.
    public static let stateCount = 1

    /// h′ from h.
    public static func step<Scalar: TensorScalar>(inputGates: Tensor<Scalar>, hiddenGates: Tensor<Scalar>,
                                                  state: [Tensor<Scalar>]) -> [Tensor<Scalar>] {
        let (x, h) = (inputGates.split(count: 3, alongAxis: 1), hiddenGates.split(count: 3, alongAxis: 1))
        let (reset, update) = ((x[0] + h[0]).sigmoid(), (x[1] + h[1]).sigmoid())
        let candidate = (x[2] + reset * h[2]).tanh()
        return [candidate + update * (state[0] - candidate)]
    }
}
