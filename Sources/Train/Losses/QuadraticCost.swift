import Autograd

/// The quadratic cost averaged over the batch, seed 004 (3.3):
/// Cost = (1/N) Σᵢ ½‖yᵢ − aᵢ‖², where the first axis of `prediction` and `target` counts the
/// N examples (a rank-0 or rank-1 tensor is one example). Gradient with respect to aᵢ:
/// (aᵢ − yᵢ)/N.
public func meanQuadraticCost<Scalar: TensorScalar>(
    _ prediction: Tensor<Scalar>, _ target: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    let count = prediction.rank >= 2 ? prediction.shape[0] : 1
    return quadraticCost(prediction, target, file: file, line: line).scaled(by: 1 / Scalar(max(count, 1)))
}

/// The seeds' "scaled cost" Σᵢ ‖yᵢ − aᵢ‖², the quantity both MATLAB listings print
/// (`costval = norm(costvec,2)^2`; seed 004 calls it "a scaled version of Cost"). Over the
/// seeds' ten points it is 20 × ``meanQuadraticCost(_:_:file:line:)``; the reported values
/// 5.3 → 7.3 × 10⁻⁴ are on this scale.
public func scaledQuadraticCost<Scalar: TensorScalar>(
    _ prediction: Tensor<Scalar>, _ target: Tensor<Scalar>, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    quadraticCost(prediction, target, file: file, line: line).scaled(by: 2)
}
