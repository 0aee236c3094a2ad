import KernelSupport

// Normalisation with a scale and a shift in one primitive: y = γ x̂ + β, x̂ = (x − μ) s,
// s = 1/√(σ² + ε), with μ and σ² (biased) the mean and variance of each group of elements and
// γ, β per channel (the last axis). Layer, batch and group normalisation differ only in their
// groups. One kernel pass reads x for the statistics, one writes y. Rectified, y = max(0, ·) as
// it is written and the rules see ḡ ∘ 1[y > 0] and ẏ ∘ 1[y > 0]: a ReLU after the normalisation
// (batch normalisation's in ResNets) without passes of its own, the same values as `.relu()` after.
//
// Derivatives (per group of m elements, means m(·) over the group): with P(v) = s (v − m(v)
// − x̂ m(x̂ v)), a symmetric map, ẋ̂ = P(ẋ), so the pushforward is γ P(ẋ) + γ̇ x̂ + β̇ and the
// pullback (P(ḡ γ), Σ ḡ x̂, Σ ḡ), sums over all but the channels. At first order the pullback is
// one fused kernel call; when the backward pass is itself recorded (derivatives of higher order,
// a traced `CompiledFunction`), the same formulas are written with differentiable operations,
// the statistics recomputed from x, so that every order is exact.

/// The groups of elements a normalisation takes its mean and variance over; the last axis
/// holds the channels, each with its own scale and shift.
public enum NormalizationGroups: Sendable, Hashable {
    /// Each vector along the last axis (layer normalisation).
    case lastAxis
    /// Each channel, over every other axis (batch normalisation in training).
    case channels
    /// Per example (the first axis), `count` groups of consecutive channels, each over every
    /// other axis (group normalisation). `count` divides the number of channels.
    case channelGroups(Int)
}

extension Tensor where Scalar: TensorScalar {
    /// γ (x − μ) / √(σ² + ε) + β, with μ and σ² the mean and the biased variance of each of
    /// `groups`, and `scale` γ and `shift` β one per channel (entry of the last axis); then
    /// max(0, ·) when `rectified`.
    /// Pullback: (s (h − m(h) − x̂ m(h x̂)) with h = ḡ γ, Σ ḡ x̂, Σ ḡ), m the mean over a group and
    /// sums over all but the last axis; pushforward: γ s (ẋ − m(ẋ) − x̂ m(x̂ ẋ)) + γ̇ x̂ + β̇.
    /// Rectified, ḡ ∘ 1[y > 0] replaces ḡ and the pushforward is masked alike.
    @_specialize(where Scalar == Float)
    public func normalized(over groups: NormalizationGroups, scale: Tensor, shift: Tensor, epsilon: Double = 1e-5,
                           rectified: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Tensor {
        normalizedWithStatistics(over: groups, scale: scale, shift: shift, epsilon: epsilon, rectified: rectified,
                                 file: file, line: line).value
    }

    /// ``normalized(over:scale:shift:epsilon:rectified:file:line:)`` and each group's mean and biased
    /// variance, from the same pass: of shape [C] for `.channels`, [N, G] for
    /// `.channelGroups(G)` and this shape without its last axis for `.lastAxis`. The statistics
    /// are constants (not recorded): batch normalisation's running averages.
    @_specialize(where Scalar == Float)
    public func normalizedWithStatistics(
        over groups: NormalizationGroups, scale: Tensor, shift: Tensor, epsilon: Double = 1e-5, rectified: Bool = false,
        file: StaticString = #fileID, line: UInt = #line
    ) -> (value: Tensor, mean: Tensor, variance: Tensor) {
        let (layout, statisticsShape) = normalizationLayout(groups, scale, shift, epsilon, file, line)
        let statistics = NormalizationStatistics<Scalar>(count: 2 * layout.groupCount)
        let (kernel, epsilonScalar) = (Scalar.kernels.normalize, Scalar(epsilon))
        // Each run of the forward rule (also a compiled function's replay) writes the statistics
        // its pullback reads.
        let forward: Forward<Scalar> = { inputs, output in
            kernel(inputs.first, inputs.second, inputs.third, output, statistics.values, layout, epsilonScalar, rectified)
        }
        let value = Tensor.applying(rectified ? .normalizeRelu : .normalize, forward, to: self, scale, shift, shape: shape) {
            normalizationRules(layout, statistics, scale: scale, shift: shift, epsilon: epsilon, rectified: rectified)
        }
        return (value, statistics.tensor(shape: statisticsShape, offset: 0),
                statistics.tensor(shape: statisticsShape, offset: layout.groupCount))
    }

    /// The kernel layout of `groups` over this shape and the shape of the statistics, or a stop
    /// naming the shapes when they do not fit.
    private func normalizationLayout(
        _ groups: NormalizationGroups, _ scale: Tensor, _ shift: Tensor, _ epsilon: Double, _ file: StaticString, _ line: UInt
    ) -> (NormalizationLayout, Shape) {
        let channels = rank >= 1 ? shape[rank - 1] : 0
        guard rank >= 1, scale.shape == [channels], shift.shape == [channels] else {
            Tensor.shapeMismatch("normalize", shape, scale.shape,
                                 "do not match (scale and shift \(shift.shape) need one element per entry of the last axis)",
                                 file: file, line: line)
        }
        guard epsilon > 0 else { fatalError("normalize: epsilon \(epsilon) must be positive", file: file, line: line) }
        let rows = channels == 0 ? 0 : elementCount / channels
        switch groups {
        case .lastAxis:
            return (NormalizationLayout(samples: rows, positions: 1, groups: 1, groupWidth: channels), Shape(shape.dimensions.dropLast()))
        case .channels:
            return (NormalizationLayout(samples: 1, positions: rows, groups: channels, groupWidth: 1), [channels])
        case .channelGroups(let count):
            guard rank >= 2, count > 0, channels % count == 0 else {
                fatalError("normalize: \(count) groups must divide the \(channels) channels of shape \(shape) (rank 2 or more)",
                           file: file, line: line)
            }
            let samples = shape[0]
            return (NormalizationLayout(samples: samples, positions: samples == 0 ? 0 : rows / samples, groups: count,
                                        groupWidth: channels / count), [samples, count])
        }
    }

    /// The derivative rules of y = normalized(x, γ, β) (rectified or not) for this x.
    private func normalizationRules(
        _ layout: NormalizationLayout, _ statistics: NormalizationStatistics<Scalar>, scale: Tensor, shift: Tensor,
        epsilon: Double, rectified: Bool
    ) -> DerivativeRules<Scalar> {
        let (x, needs) = (self, (input: isRecorded, scale: scale.isRecorded, shift: shift.isRecorded))
        let composition = NormalizationComposition<Scalar>(layout: layout, shape: shape, epsilon: epsilon)
        return DerivativeRules(
            pullback: { cotangent, output in
                if cotangent.isRecorded || output.isRecorded {
                    let masked = rectified ? cotangent.reluBackward(input: output) : cotangent
                    let (gx, gScale, gShift) = composition.pullback(masked, x: x, scale: scale)
                    return Tangents(needs.input ? gx : nil, needs.scale ? gScale : nil, needs.shift ? gShift : nil)
                }
                let (gx, gScale, gShift) = fusedNormalizationPullback(cotangent, x: x, scale: scale, statistics: statistics,
                                                                      rectifiedOutput: rectified ? output : nil,
                                                                      layout: layout, epsilon: epsilon, needsInput: needs.input)
                return Tangents(gx, needs.scale ? gScale : nil, needs.shift ? gShift : nil)
            },
            pushforward: { t, output in
                let tangent = composition.tangent(t.first, t.second, t.third, x: x, scale: scale)
                return rectified ? tangent.reluBackward(input: output) : tangent
            })
    }
}

/// The pullback of normalisation by the fused kernel: x̄ (when `needsInput`), γ̄ and β̄; with
/// `rectifiedOutput`, the output y of the rectified form, at ḡ ∘ 1[y > 0].
private func fusedNormalizationPullback<Scalar: TensorScalar>(
    _ cotangent: Tensor<Scalar>, x: Tensor<Scalar>, scale: Tensor<Scalar>, statistics: NormalizationStatistics<Scalar>,
    rectifiedOutput: Tensor<Scalar>?, layout: NormalizationLayout, epsilon: Double, needsInput: Bool
) -> (Tensor<Scalar>?, Tensor<Scalar>, Tensor<Scalar>) {
    let kernel = Scalar.kernels.normalizeGradient
    func elements(_ tensor: Tensor<Scalar>) -> UnsafePointer<Scalar> { tensor.storage.rawElements.assumingMemoryBound(to: Scalar.self) }
    var shiftGradient: Tensor<Scalar>?
    func run(_ inputGradient: UnsafeMutablePointer<Scalar>?) -> Tensor<Scalar> {
        Tensor(shape: [layout.channels]) { scaleBuffer in
            shiftGradient = Tensor(shape: [layout.channels]) { shiftBuffer in
                withExtendedLifetime((cotangent, x, scale, rectifiedOutput)) {
                    kernel(elements(cotangent), elements(x), elements(scale), statistics.values, layout, Scalar(epsilon),
                           rectifiedOutput.map(elements), inputGradient, scaleBuffer.baseAddress!, shiftBuffer.baseAddress!)
                }
            }
        }
    }
    if needsInput {
        var scaleGradient: Tensor<Scalar>?
        let inputGradient = Tensor(shape: x.shape) { scaleGradient = run($0.baseAddress!) }
        return (inputGradient, scaleGradient!, shiftGradient!)
    }
    let scaleGradient = run(nil)
    return (nil, scaleGradient, shiftGradient!)
}

/// Each group's mean and variance as the latest run of a normalisation's forward rule wrote
/// them (the means, then the variances): the constants its fused pullback reads.
final class NormalizationStatistics<Scalar: TensorScalar>: @unchecked Sendable {
    let values: UnsafeMutablePointer<Scalar>
    let count: Int

    init(count: Int) {
        self.count = count
        // Left unset: the forward rule writes every value, and runs when the output is created.
        values = .allocate(capacity: Swift.max(count, 1))
    }

    deinit { values.deallocate() }

    /// The values from `offset` on, as a tensor of `shape`.
    func tensor(shape: Shape, offset: Int) -> Tensor<Scalar> {
        Tensor(shape: shape) { $0.baseAddress!.initialize(from: values + offset, count: shape.elementCount) }
    }
}

/// Normalisation's derivatives written with differentiable operations on the view of x as
/// [samples, positions, groups, groupWidth] (the statistics recomputed from x): the rules
/// when the backward pass is recorded, and the pushforward.
private struct NormalizationComposition<Scalar: TensorScalar> {
    let layout: NormalizationLayout
    let shape: Shape
    let epsilon: Double

    /// `tensor` viewed as [samples, positions, groups, groupWidth].
    func grouped(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> {
        tensor.reshaped(to: [layout.samples, layout.positions, layout.groups, layout.groupWidth])
    }

    /// A per-channel vector viewed as [1, 1, groups, groupWidth].
    func channelView(_ vector: Tensor<Scalar>) -> Tensor<Scalar> { vector.reshaped(to: [1, 1, layout.groups, layout.groupWidth]) }

    /// The mean of each group, broadcastable to the grouped view.
    func groupMean(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> { tensor.mean(alongAxes: [1, 3], keepingDimensions: true) }

    /// x̂ and s = 1/√(σ² + ε) of the grouped x.
    func standardized(_ x: Tensor<Scalar>) -> (normalized: Tensor<Scalar>, rstd: Tensor<Scalar>) {
        let centered = grouped(x) - groupMean(grouped(x))
        let rstd = (groupMean(centered.square()) + Scalar(epsilon)).rsqrt()
        return (centered * rstd, rstd)
    }

    /// P(v) = s (v − m(v) − x̂ m(x̂ v)) for a grouped v.
    func projected(_ v: Tensor<Scalar>, normalized: Tensor<Scalar>, rstd: Tensor<Scalar>) -> Tensor<Scalar> {
        rstd * (v - groupMean(v) - normalized * groupMean(normalized * v))
    }

    /// The per-channel sum of a grouped tensor.
    func channelSum(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> {
        tensor.summed(toShape: [1, 1, layout.groups, layout.groupWidth]).reshaped(to: [layout.channels])
    }

    /// (x̄, γ̄, β̄) at the cotangent ḡ.
    func pullback(_ cotangent: Tensor<Scalar>, x: Tensor<Scalar>, scale: Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
        let (normalized, rstd) = standardized(x)
        let g = grouped(cotangent)
        let inputGradient = projected(g * channelView(scale), normalized: normalized, rstd: rstd).reshaped(to: shape)
        return (inputGradient, channelSum(g * normalized), channelSum(g))
    }

    /// ẏ = γ P(ẋ) + γ̇ x̂ + β̇ (nil tangents are zero).
    func tangent(_ input: Tensor<Scalar>?, _ scale: Tensor<Scalar>?, _ shift: Tensor<Scalar>?, x: Tensor<Scalar>,
                 scale γ: Tensor<Scalar>) -> Tensor<Scalar> {
        let (normalized, rstd) = standardized(x)
        let fromInput = input.map { channelView(γ) * projected(grouped($0), normalized: normalized, rstd: rstd) }
        let fromScale = scale.map { channelView($0) * normalized }
        let fromShift = shift.map { channelView($0).broadcast(to: normalized.shape) }
        let fromParameters = fromScale == nil && fromShift == nil ? nil : addTangents(fromScale, fromShift)
        return addTangents(fromInput, fromParameters).reshaped(to: shape)
    }
}
