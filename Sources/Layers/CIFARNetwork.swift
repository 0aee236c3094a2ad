import Autograd

extension Sequential {
    /// The CIFAR-10 network of seed 004 §7.4 (MatConvNet's cnn_cifar; MATH.md §4.1), for
    /// 32 × 32 images with `inputChannels` channels (3 for CIFAR-10; 1 for Fashion-MNIST padded
    /// to 32 × 32). It outputs ten logits: the softmax belongs to the loss.
    ///
    /// | block | layers | output |
    /// |---|---|---|
    /// | 1 | conv 5×5×cin×32, pad 2 → max pool 2×2, stride 2 → ReLU | 16×16×32 |
    /// | 2 | conv 5×5×32×32, pad 2, ReLU → average pool 2×2, stride 2 | 8×8×32 |
    /// | 3 | conv 5×5×32×64, pad 2, ReLU → average pool 2×2, stride 2 | 4×4×64 |
    /// | 4 | conv 4×4×64×64, no padding, ReLU | 1×1×64 |
    /// | 5 | flatten → dense 64 → 10 | 10 |
    ///
    /// A ReLU right after a convolution is the layer's own `activation`, fused with its bias.
    ///
    /// `dropoutRates` gives one rate per block (`Double`s or the model's `Float`s); a block with a positive rate ends with a dropout
    /// layer (seed 004's second run: 0.15, 0.15, 0.15, 0.35, 0). Convolution filters are drawn He
    /// normal, the dense weight Glorot uniform, biases are zero (the seeds do not say).
    /// Parameters are named `block1.conv.weight` … `block5.dense.bias`.
    public static func cifarCNN(
        inputChannels: Int = 3, dropoutRates: [some BinaryFloatingPoint] = [0, 0, 0, 0, 0] as [Double],
        using generator: inout some RandomNumberGenerator, file: StaticString = #fileID, line: UInt = #line
    ) -> Sequential {
        guard dropoutRates.count == 5 else {
            fatalError("cifarCNN: \(dropoutRates.count) dropout rates given, one per block (5) needed",
                                file: file, line: line)
        }
        func conv(_ cin: Int, _ cout: Int, _ size: Int, _ padding: PaddingMode, _ activation: Activation<Scalar>.Function? = nil) -> Entry {
            Conv2D(inputChannels: cin, filters: cout, kernelSize: (size, size), padding: padding, activation: activation,
                   using: &generator).named("conv")
        }
        let relu = Activation<Scalar>(.relu).named("relu")
        let blocks: [[Entry]] = [
            [conv(inputChannels, 32, 5, .symmetric(2)), MaxPool2D(size: (2, 2), strides: (2, 2)).named("pool"), relu],
            [conv(32, 32, 5, .symmetric(2), .relu), AvgPool2D(size: (2, 2), strides: (2, 2)).named("pool")],
            [conv(32, 64, 5, .symmetric(2), .relu), AvgPool2D(size: (2, 2), strides: (2, 2)).named("pool")],
            [conv(64, 64, 4, .valid, .relu)],
            [Flatten().named("flatten"), Dense(inputSize: 64, outputSize: 10, using: &generator).named("dense")],
        ]
        return Sequential(zip(blocks, dropoutRates).enumerated().map { index, block in
            let (layers, rate) = block
            let dropout = rate > 0 ? [Dropout<Scalar>(rate: rate).named("dropout")] : []
            return Sequential(layers + dropout).named("block\(index + 1)")
        })
    }
}
