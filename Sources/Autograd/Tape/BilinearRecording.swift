// Recording of bilinear primitives (matmul and the three convolutions): each operand's
// cotangent is computed only when that operand is recorded, so the gradient of a layer's input
// data (never needed) costs nothing.

extension Tape {
    /// Records y = B(a, b) for a bilinear B (`product`): pushforward B(ȧ, b) + B(a, ḃ); pullback
    /// (`first`(ȳ), `second`(ȳ)), each computed only for an operand that is recorded.
    func recordBilinear(
        _ primitive: Primitive, _ y: Tensor<Scalar>, _ a: Tensor<Scalar>, _ b: Tensor<Scalar>,
        _ forward: @escaping Forward<Scalar>, _ product: @escaping (Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>,
        first: @escaping (Tensor<Scalar>) -> Tensor<Scalar>, second: @escaping (Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Tensor<Scalar> {
        let (needsFirst, needsSecond) = (a.isRecorded, b.isRecorded)
        return record(primitive, y, inputs: a, b, forward: forward,
            pullback: { cotangent, _ in Tangents(needsFirst ? first(cotangent) : nil, needsSecond ? second(cotangent) : nil) },
            pushforward: { t, _ in addTangents(t.first.map { product($0, b) }, t.second.map { product(a, $0) }) })
    }
}
