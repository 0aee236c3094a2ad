import Autograd

/// Which steps a recurrent layer returns.
public enum RecurrentOutput: Sendable, Hashable {
    /// The hidden state after every step: [B, T, hiddenSize].
    case allSteps
    /// The hidden state after the last step: [B, hiddenSize].
    case lastStep
}

/// The step of a recurrent layer: how its gates turn the previous state into the next one
/// (``LSTMCell``, ``GRUCell``).
public protocol RecurrentCell: Sendable {
    /// The layer's name: "LSTM", "GRU".
    static var name: String { get }
    /// The number of gates stacked along the weights' rows.
    static var gateCount: Int { get }
    /// The number of state tensors [B, hiddenSize] carried from step to step, the hidden state first.
    static var stateCount: Int { get }

    /// The next state from the gates' pre-activations on the input, W_i x_t + b_i, and on the
    /// hidden state, W_h h + b_h (both [B, gateCount · hiddenSize]), and the current `state`.
    static func step<Scalar: TensorScalar>(inputGates: Tensor<Scalar>, hiddenGates: Tensor<Scalar>, state: [Tensor<Scalar>]) -> [Tensor<Scalar>]
}

/// A recurrent layer over sequences [B, T, inputSize] from a zero initial state, as PyTorch's
/// recurrent layers with `batch_first=True` (one layer, one direction): ``LSTM`` and ``GRU``.
/// The weights have PyTorch's layout, the gates stacked along the rows (`weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`). The input's part of every gate is one matrix
/// product for all steps; the hidden state's part is one per step.
public struct RecurrentLayer<Scalar: TensorScalar, Cell: RecurrentCell>: Module {
    /// The gates' weights on the input, [gates · hiddenSize, inputSize].
    public var inputWeight: Tensor<Scalar>
    /// The gates' weights on the previous hidden state, [gates · hiddenSize, hiddenSize].
    public var hiddenWeight: Tensor<Scalar>
    /// The gates' biases on the input side, [gates · hiddenSize].
    public var inputBias: Tensor<Scalar>
    /// The gates' biases on the hidden side, [gates · hiddenSize].
    public var hiddenBias: Tensor<Scalar>
    /// Every step's hidden state, or the last one's.
    public var output: RecurrentOutput

    /// The length of the input vectors.
    public var inputSize: Int { inputWeight.shape[1] }
    /// The length of the hidden state.
    public var hiddenSize: Int { hiddenWeight.shape[1] }

    /// A layer from vectors of `inputSize` to a state of `hiddenSize` (both positive), every
    /// parameter drawn from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch's.
    public init(inputSize: Int, hiddenSize: Int, returning output: RecurrentOutput = .allSteps,
                using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line) {
        guard inputSize > 0, hiddenSize > 0 else {
            fatalError("\(Cell.name): inputSize \(inputSize) and hiddenSize \(hiddenSize) must be positive", file: file, line: line)
        }
        let bound = Scalar(1 / Double(hiddenSize).squareRoot())
        func draw(_ shape: Shape) -> Tensor<Scalar> { Tensor(randomUniform: shape, in: -bound..<bound, using: &generator) }
        let rows = Cell.gateCount * hiddenSize
        self.init(inputWeight: draw([rows, inputSize]), hiddenWeight: draw([rows, hiddenSize]), inputBias: draw([rows]),
                  hiddenBias: draw([rows]), returning: output, file: file, line: line)
    }

    /// A layer with the given weights [gates·hidden, input] and [gates·hidden, hidden] and biases [gates·hidden].
    public init(inputWeight: Tensor<Scalar>, hiddenWeight: Tensor<Scalar>, inputBias: Tensor<Scalar>, hiddenBias: Tensor<Scalar>,
                returning output: RecurrentOutput = .allSteps, file: StaticString = #fileID, line: UInt = #line) {
        let rows = hiddenWeight.shape.first ?? 0
        guard inputWeight.rank == 2, hiddenWeight.rank == 2, rows > 0, rows == Cell.gateCount * hiddenWeight.shape[1],
              inputWeight.shape[0] == rows, inputBias.shape == [rows], hiddenBias.shape == [rows] else {
            fatalError("\(Cell.name): weights \(inputWeight.shape), \(hiddenWeight.shape) and biases \(inputBias.shape), \(hiddenBias.shape) "
                       + "must be [\(Cell.gateCount)·hidden, input], [\(Cell.gateCount)·hidden, hidden] and [\(Cell.gateCount)·hidden]",
                       file: file, line: line)
        }
        (self.inputWeight, self.hiddenWeight, self.inputBias, self.hiddenBias) = (inputWeight, hiddenWeight, inputBias, hiddenBias)
        self.output = output
    }

    /// The hidden states of the sequence `input` [B, T, inputSize].
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        let (batch, time) = (input.shape[0], input.shape[1])
        let inputGates = matmul(input.reshaped(to: [batch * time, inputSize]), inputWeight, transposeB: true)
            .addingBias(inputBias).reshaped(to: [batch, time, inputBias.shape[0]])
        var state = [Tensor<Scalar>](repeating: .zeros([batch, hiddenSize]), count: Cell.stateCount)
        var hidden: [Tensor<Scalar>] = []
        for t in 0..<time {
            let hiddenGates = matmul(state[0], hiddenWeight, transposeB: true).addingBias(hiddenBias)
            state = Cell.step(inputGates: inputGates[.all, t, .all], hiddenGates: hiddenGates, state: state)
            if output == .allSteps { hidden.append(state[0]) }
        }
        switch output {
        case .lastStep: return state[0]
        case .allSteps: return hidden.isEmpty ? .zeros([batch, 0, hiddenSize]) : stack(hidden, alongAxis: 1)
        }
    }

    /// `inputWeight`, `hiddenWeight`, `inputBias`, `hiddenBias`.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        visit("inputWeight", .weight, &inputWeight)
        visit("hiddenWeight", .weight, &hiddenWeight)
        visit("inputBias", .bias, &inputBias)
        visit("hiddenBias", .bias, &hiddenBias)
    }

    /// [B, T, hiddenSize] (every step) or [B, hiddenSize] (the last) for an input [B, T, inputSize].
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        let input = try checkedLastAxis(of: shape, rank: 3, size: inputSize, expected: "[batch, time, \(inputSize)]")
        return output == .allSteps ? [input[0], input[1], hiddenSize] : [input[0], hiddenSize]
    }

    /// "LSTM(inputSize → hiddenSize)", with ", last step" when it returns only that.
    public var layerDescription: String { "\(Cell.name)(\(inputSize) → \(hiddenSize)\(output == .lastStep ? ", last step" : ""))" }
}
