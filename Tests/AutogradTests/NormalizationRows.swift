@testable import Autograd

/// Rows of the primitive table for normalisation: each layout (layer, batch, group), with
/// partial vectors (widths not a multiple of the vector), and the recorded pullbacks, which
/// differentiate the pullback's composed form (second order).
let normalizationRows: [PrimitiveCase] =
    normalizationFamily("layer: last axis of [3, 5]", .lastAxis, input: [3, 5])
    + normalizationFamily("layer: last axis of [2, 2, 11]", .lastAxis, input: [2, 2, 11])
    + normalizationFamily("batch: channels of [6, 3]", .channels, input: [6, 3])
    + normalizationFamily("batch: channels of NHWC [2, 3, 2, 11]", .channels, input: [2, 3, 2, 11])
    + normalizationFamily("group: 3 groups of NHWC [2, 2, 3, 6]", .channelGroups(3), input: [2, 2, 3, 6])
    + normalizationFamily("group: 2 groups of 9 channels, [2, 3, 18]", .channelGroups(2), input: [2, 3, 18])
    + normalizationFamily("rectified layer: last axis of [2, 2, 11]", .lastAxis, input: [2, 2, 11], rectified: true)
    + normalizationFamily("rectified batch: channels of NHWC [2, 3, 2, 11]", .channels, input: [2, 3, 2, 11], rectified: true)
    + normalizationFamily("rectified group: 3 groups of NHWC [2, 2, 3, 6]", .channelGroups(3), input: [2, 2, 3, 6], rectified: true)

/// Rows for the normalisation of `input` over `groups` (scale and shift one per channel; then
/// the ReLU when `rectified`), and of its recorded pullback's input and scale cotangents.
func normalizationFamily(_ label: String, _ groups: NormalizationGroups, input: Shape, rectified: Bool = false) -> [PrimitiveCase] {
    let channels: Shape = [input[input.rank - 1]]
    let primitive: Primitive = rectified ? .normalizeRelu : .normalize
    @Sendable func normalize(_ v: [Tensor<Double>]) -> Tensor<Double> {
        v[0].normalized(over: groups, scale: v[1], shift: v[2], rectified: rectified)
    }
    return [
        row(primitive, label, [input, channels, channels]) { normalize($0) },
        row(primitive, label + ", input cotangent of the recorded pullback", [input, channels, channels, input]) { v in
            recordedPullback(of: normalize, at: Array(v[0..<3]), cotangent: v[3])[0]
        },
        row(primitive, label + ", scale cotangent of the recorded pullback", [input, channels, channels, input]) { v in
            recordedPullback(of: normalize, at: Array(v[0..<3]), cotangent: v[3])[1]
        },
    ]
}
