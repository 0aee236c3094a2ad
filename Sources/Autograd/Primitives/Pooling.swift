import KernelSupport

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
@_specialize(where Scalar == Float)
public func maxPool2d<Scalar: TensorScalar>(
    _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int),
    padding: Padding = .valid, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    let geometry = PoolingGeometry("maxPool2d", input.shape, window, strides, padding, file: file, line: line)
    let routes = PoolingRoutes(geometry: geometry)
    // The forward rule chooses the winners anew each time it runs (also when a compiled function
    // replays it); the backward steps read the winners of the latest run.
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.pool(.maximum(routes: routes.offsets), inputs.first, output, geometry)
    }
    return .applying(.maxPool2d, forward, to: input, shape: Shape(geometry.outputShape)) {
        .linear({ gathered($0, along: routes) }, adjoint: { scattered($0, along: routes) })
    }
}

/// Average pooling of NHWC images `input` ([N, H, W, C]): each output is the mean of its
/// `window`, moved by `strides`, per channel. The divisor is always the full window area, so
/// zeros of the padding count (each padding must be smaller than the window). Output size as
/// for ``conv2d(_:filter:strides:padding:file:line:)``. Pullback: ȳ / area spread over each
/// window; pushforward: the average pooling of ẋ.
@_specialize(where Scalar == Float)
public func avgPool2d<Scalar: TensorScalar>(
    _ input: Tensor<Scalar>, window: (height: Int, width: Int), strides: (height: Int, width: Int),
    padding: Padding = .valid, file: StaticString = #fileID, line: UInt = #line
) -> Tensor<Scalar> {
    averagePooled(input, PoolingGeometry("avgPool2d", input.shape, window, strides, padding, file: file, line: line))
}

/// The input cell max pooling chose for each output element (row-major offsets into the input):
/// the constants of its derivative. Written by each run of the max-pooling forward rule.
final class PoolingRoutes: @unchecked Sendable {
    let geometry: PoolingGeometry
    let offsets: UnsafeMutablePointer<Int>

    init(geometry: PoolingGeometry) {
        self.geometry = geometry
        // Left unset: the forward rule writes every route, and runs when the output is created.
        offsets = .allocate(capacity: Swift.max(Shape(geometry.outputShape).elementCount, 1))
    }

    deinit { offsets.deallocate() }
}

/// y = A x, the average pooling.
@_specialize(where Scalar == Float)
func averagePooled<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ g: PoolingGeometry) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in Scalar.kernels.pool(.average, inputs.first, output, g) }
    return .applying(.avgPool2d, forward, to: x, shape: Shape(g.outputShape)) {
        .linear({ averagePooled($0, g) }, adjoint: { averagePoolGradient($0, g) })
    }
}

/// x̄ = Aᵀ ȳ, the cotangent of average pooling's input.
@_specialize(where Scalar == Float)
func averagePoolGradient<Scalar: TensorScalar>(_ gy: Tensor<Scalar>, _ g: PoolingGeometry) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in Scalar.kernels.poolGradient(.average, inputs.first, output, g) }
    return .applying(.avgPool2dBackward, forward, to: gy, shape: Shape(g.inputShape)) {
        .linear({ averagePoolGradient($0, g) }, adjoint: { averagePooled($0, g) })
    }
}

/// y = G x, the cells of `x` at `routes` (max pooling with its winners fixed, recorded as
/// max pooling).
@_specialize(where Scalar == Float)
func gathered<Scalar: TensorScalar>(_ x: Tensor<Scalar>, along routes: PoolingRoutes) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.pool(.gather(routes: routes.offsets), inputs.first, output, routes.geometry)
    }
    return .applying(.maxPool2d, forward, to: x, shape: Shape(routes.geometry.outputShape)) {
        .linear({ gathered($0, along: routes) }, adjoint: { scattered($0, along: routes) })
    }
}

/// x̄ = Gᵀ ȳ, each element of `gy` added to the input cell its route names.
@_specialize(where Scalar == Float)
func scattered<Scalar: TensorScalar>(_ gy: Tensor<Scalar>, along routes: PoolingRoutes) -> Tensor<Scalar> {
    let forward: Forward<Scalar> = { inputs, output in
        Scalar.kernels.poolGradient(.scatter(routes: routes.offsets), inputs.first, output, routes.geometry)
    }
    return .applying(.maxPool2dBackward, forward, to: gy, shape: Shape(routes.geometry.inputShape)) {
        .linear({ scattered($0, along: routes) }, adjoint: { gathered($0, along: routes) })
    }
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
