import Autograd

extension Tensor where Scalar: TensorScalar {
    /// (x − μ) / √(σ² + ε) with μ and σ² the mean and the biased (population) variance over
    /// `axes`, returned too (reduced axes kept with size 1). Differentiable through μ and σ²:
    /// the gradient of a normalisation layer in training mode.
    func standardized(alongAxes axes: [Int], epsilon: Double) -> (value: Tensor, mean: Tensor, variance: Tensor) {
        let mean = mean(alongAxes: axes, keepingDimensions: true)
        let centered = self - mean
        let variance = centered.square().mean(alongAxes: axes, keepingDimensions: true)
        return (centered * (variance + Scalar(epsilon)).rsqrt(), mean, variance)
    }
}
