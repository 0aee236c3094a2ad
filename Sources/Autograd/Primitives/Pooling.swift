// Max and average pooling over NHWC images, channel by channel, with zero padding.
//
// Average pooling is linear: y = A x, where every output is the mean over its whole window,
// padding cells counted as zeros (the divisor is always the window area). Its pullback is the
// adjoint Aᵀ (avgPool2dBackward), whose own pullback is A again: derivatives of any order follow.
//
// Max pooling copies one input cell per window and channel: padding cells never win (they count
// as −∞), and when several cells hold the largest value the first in row-major window order
// wins, so it alone receives the gradient. With the winners ("routes") fixed, max pooling is
// the linear gather y = G x, whose adjoint is the scatter Gᵀ ȳ (maxPool2dBackward); the routes
// are constants, so the gather and the scatter are each other's pullback.

/// Max pooling of NHWC images `input` ([N, H, W, C]): each output is the largest input cell of
/// its `window`, moved by `strides`, per channel. Padding cells never win; each padding must be
/// smaller than the window. Output size as for ``conv2d(_:filter:strides:padding:file:line:)``.
/// Pullback: ȳ scattered to the winning cells (the first largest in row-major window order on
/// ties); pushforward: ẋ gathered from them.
public func maxPool2d<Scalar>(
    _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int),
    padding: Padding = .valid, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    let geometry = PoolingGeometry("maxPool2d", input.shape, window, strides, padding, file: file, line: line)
    var offsets = [Int](repeating: 0, count: geometry.outputShape.elementCount)
    let y = offsets.withUnsafeMutableBufferPointer { offsets in
        input.pooled(.maximum(routes: offsets.baseAddress!), geometry)
    }
    return gathered(input, along: PoolingRoutes(geometry: geometry, offsets: offsets), value: y)
}

/// Average pooling of NHWC images `input` ([N, H, W, C]): each output is the mean of its
/// `window`, moved by `strides`, per channel. The divisor is always the full window area, so
/// zeros of the padding count (each padding must be smaller than the window). Output size as
/// for ``conv2d(_:filter:strides:padding:file:line:)``. Pullback: ȳ / area spread over each
/// window; pushforward: the average pooling of ẋ.
public func avgPool2d<Scalar>(
    _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int),
    padding: Padding = .valid, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    averagePooled(input, PoolingGeometry("avgPool2d", input.shape, window, strides, padding, file: file, line: line))
}

/// The input cell max pooling chose for each output element (row-major offsets into the input):
/// the constants of its derivative.
struct PoolingRoutes: Sendable {
    let geometry: PoolingGeometry
    let offsets: [Int]
}

/// y = A x, the average pooling.
func averagePooled<Scalar>(_ x: Tensor<Scalar>, _ g: PoolingGeometry) -> Tensor<Scalar> {
    let y = x.pooled(.average, g)
    return Tape.recording(x)?.recordLinear(.avgPool2d, y, x, { averagePooled($0, g) },
                                           adjoint: { averagePoolGradient($0, g) }) ?? y
}

/// x̄ = Aᵀ ȳ, the cotangent of average pooling's input.
func averagePoolGradient<Scalar>(_ gy: Tensor<Scalar>, _ g: PoolingGeometry) -> Tensor<Scalar> {
    let gx = gy.poolGradient(.average, g)
    return Tape.recording(gy)?.recordLinear(.avgPool2dBackward, gx, gy, { averagePoolGradient($0, g) },
                                            adjoint: { averagePooled($0, g) }) ?? gx
}

/// y = G x, the cells of `x` at `routes` (max pooling with its winners fixed, recorded as
/// max pooling); `value` is that result when already computed.
func gathered<Scalar>(_ x: Tensor<Scalar>, along routes: PoolingRoutes, value: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
    let y = value ?? routes.offsets.withUnsafeBufferPointer { x.pooled(.gather(routes: $0.baseAddress!), routes.geometry) }
    return Tape.recording(x)?.recordLinear(.maxPool2d, y, x, { gathered($0, along: routes) },
                                           adjoint: { scattered($0, along: routes) }) ?? y
}

/// x̄ = Gᵀ ȳ, each element of `gy` added to the input cell its route names.
func scattered<Scalar>(_ gy: Tensor<Scalar>, along routes: PoolingRoutes) -> Tensor<Scalar> {
    let gx = routes.offsets.withUnsafeBufferPointer { gy.poolGradient(.scatter(routes: $0.baseAddress!), routes.geometry) }
    return Tape.recording(gy)?.recordLinear(.maxPool2dBackward, gx, gy, { scattered($0, along: routes) },
                                            adjoint: { gathered($0, along: routes) }) ?? gx
}

extension PoolingGeometry {
    /// The geometry of `operation` over `input`, or a stop naming the operation, the input
    /// shape, the window and the caller's location when the sizes do not fit.
    init(
        _ operation: String, _ input: Shape, _ window: (height: Int, width: Int), _ strides: (height: Int, width: Int),
        _ padding: Padding, file: StaticString, line: UInt
    ) {
        let sliding = SlidingWindow(operation, over: input, filter: "window [\(window.height), \(window.width)]",
                                    size: window, strides: strides, padding: padding, paddingBelowWindow: true,
                                    file: file, line: line)
        self.init(window: sliding, channels: input[3])
    }
}

extension Tensor {
    /// The pooling kernel run over this tensor, giving a tensor of the geometry's output shape.
    fileprivate func pooled(_ operation: PoolingKernel, _ g: PoolingGeometry) -> Tensor {
        Tensor(shape: g.outputShape) { output in
            withUnsafeBufferPointer { input in Scalar._kernels.pool(operation, input.baseAddress!, output.baseAddress!, g) }
        }
    }

    /// The pooling gradient kernel run over this tensor, giving a tensor of the geometry's input shape.
    fileprivate func poolGradient(_ operation: PoolingGradientKernel, _ g: PoolingGeometry) -> Tensor {
        Tensor(shape: g.inputShape) { output in
            withUnsafeBufferPointer { input in Scalar._kernels.poolGradient(operation, input.baseAddress!, output.baseAddress!, g) }
        }
    }
}

extension Tape {
    /// Records the linear y = L(x) (`map`): pushforward L(ẋ), pullback `adjoint`(ȳ) = Lᵀ ȳ.
    fileprivate func recordLinear(
        _ primitive: Primitive, _ y: Tensor<Scalar>, _ x: Tensor<Scalar>,
        _ map: @escaping (Tensor<Scalar>) -> Tensor<Scalar>, adjoint: @escaping (Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Tensor<Scalar> {
        record(primitive, y, inputs: x, pullback: { cotangent, _ in Tangents(adjoint(cotangent)) },
               pushforward: { t, _ in map(t.first!) })
    }
}
