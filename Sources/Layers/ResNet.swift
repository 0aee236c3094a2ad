import Autograd

extension Sequential {
    /// ResNet-20 for 32 × 32 images (He et al. 2016, §4.2) with batch normalisation, as
    /// Benchmarks' peer `resnet.py` builds it: a 3×3 convolution to 16 channels, BatchNorm and
    /// ReLU; three stages of three basic blocks (16, 32, 64 channels; the first block of stages 2
    /// and 3 has stride 2); global average pooling and a dense layer to `classCount` logits.
    /// 272,474 parameters for 3 input channels and 10 classes.
    ///
    /// `width` is the first stage's channel count (the stages have `width`, 2·`width` and
    /// 4·`width`; 16 in the paper): with c input channels and k classes the network has
    /// 1054·w² + (9c + 4k + 98)·w + k parameters, so a narrow one (`width: 4`) trains 16 times
    /// faster with the same depth, for quick runs and tests.
    ///
    /// A basic block is `Residual` { conv 3×3 (stride s) → BN → ReLU → conv 3×3 → BN } then a
    /// ReLU after the sum; its shortcut is the identity, or a 1×1 convolution of stride 2 then BN where the
    /// shape changes (the paper's option B). Convolutions have no bias (BatchNorm follows each)
    /// and pad 1 as PyTorch's; weights are He normal, the dense layer Glorot uniform. Each ReLU is
    /// the `activation: .relu` of the BatchNorm or the Residual before it: the values of separate
    /// ReLU layers in fewer passes over the activations.
    /// Names: `stem.conv.weight`, `stage2.block1.residual.body.conv1.weight`,
    /// `stage2.block1.residual.shortcut.norm.runningMean`, …, `output.weight`.
    public static func resNet20(inputChannels: Int = 3, classCount: Int = 10, width: Int = 16,
                                using generator: inout some RandomNumberGenerator) -> Sequential {
        guard width > 0 else { fatalError("resNet20: width must be positive, not \(width)") }
        func conv(_ cin: Int, _ cout: Int, size: Int, stride: Int) -> Conv2D<Scalar> {
            Conv2D(inputChannels: cin, filters: cout, kernelSize: (size, size), strides: (stride, stride),
                   padding: size == 3 ? .symmetric(1) : .valid, usesBias: false, using: &generator)
        }
        func block(_ cin: Int, _ cout: Int, stride: Int) -> Sequential {
            let projection = stride != 1 || cin != cout
                ? Sequential { conv(cin, cout, size: 1, stride: stride).named("conv"); BatchNorm(featureCount: cout).named("norm") }
                : nil
            return Sequential {
                Residual(shortcut: projection, activation: .relu) {
                    conv(cin, cout, size: 3, stride: stride).named("conv1")
                    BatchNorm(featureCount: cout, activation: .relu).named("norm1")
                    conv(cout, cout, size: 3, stride: 1).named("conv2")
                    BatchNorm(featureCount: cout).named("norm2")
                }.named("residual")
            }
        }
        let stages = [(width, width, 1), (width, 2 * width, 2), (2 * width, 4 * width, 2)].enumerated().map { index, stage in
            let (cin, cout, stride) = stage
            return Sequential((0..<3).map { position in
                block(position == 0 ? cin : cout, cout, stride: position == 0 ? stride : 1).named("block\(position + 1)")
            }).named("stage\(index + 1)")
        }
        let stem = Sequential {
            conv(inputChannels, width, size: 3, stride: 1).named("conv")
            BatchNorm(featureCount: width, activation: .relu).named("norm")
        }.named("stem")
        let head = [GlobalAvgPool2D<Scalar>().named("pool"), Dense(inputSize: 4 * width, outputSize: classCount, using: &generator).named("output")]
        return Sequential([stem] + stages + head)
    }
}
