import Autograd

extension Sequential {
    /// A fully connected network through the layer widths `widths` (inputs first, outputs
    /// last): a ``Dense`` layer between each pair of widths, each with `activation` except the
    /// last, which has `outputActivation` when one is given. The activation is the Dense
    /// layer's own (a ReLU fused with its bias: one pass).
    ///
    /// The layers are named `dense1`, `dense2`, …, so `dense1.weight` is the seeds' W^[2] (their
    /// layer 1 is the input).
    public static func multilayerPerceptron(
        widths: [Int], activation: Activation<Scalar>.Function = .relu,
        outputActivation: Activation<Scalar>.Function? = nil,
        weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        using generator: inout some RandomNumberGenerator,
        file: StaticString = #fileID, line: UInt = #line
    ) -> Sequential {
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else {
            fatalError("multilayerPerceptron: widths \(widths) must hold at least two positive sizes",
                                file: file, line: line)
        }
        return Sequential {
            for layer in 1..<widths.count {
                Dense(inputSize: widths[layer - 1], outputSize: widths[layer],
                      weightInitializer: weightInitializer, biasInitializer: biasInitializer,
                      activation: layer < widths.count - 1 ? activation : outputActivation,
                      using: &generator, file: file, line: line).named("dense\(layer)")
            }
        }
    }

    /// The seeds' netbp network: sigmoid layers through the widths `inputSize`-2-3-2, every
    /// weight and bias drawn as 0.5·N(0, 1), trained with the quadratic cost.
    ///
    /// `inputSize` 2 gives seed 004's 2-2-3-2 network (23 parameters); 3 gives the thesis's
    /// (seed 000) 3-2-3-2 variant (25 parameters), whose W3 is 3 × 2: the thesis's
    /// `W3 = 0.5*randn(3,3)` is a typo, since the layer before has two units (MATH.md §3.2).
    public static func netbp(inputSize: Int = 2, using generator: inout some RandomNumberGenerator) -> Sequential {
        multilayerPerceptron(widths: [inputSize, 2, 3, 2], activation: .sigmoid, outputActivation: .sigmoid,
                             weightInitializer: .gaussian(scale: 0.5), biasInitializer: .gaussian(scale: 0.5),
                             using: &generator)
    }
}
