/// How closely derivatives computed by the tape agree with central finite differences.
///
/// Three comparisons, each of which can fail on its own:
/// - **reverse mode**: the pullback of a random cotangent u (Jᵀu) against the central
///   difference of ⟨u, f⟩ along every input element;
/// - **forward mode**: the pushforward of a random tangent v (J v) against
///   (f(x + h v) − f(x − h v)) / 2h;
/// - **adjoint**: ⟨u, J v⟩ from forward mode against ⟨Jᵀu, v⟩ from reverse mode.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    /// The agreement of one derivative with its reference, element by element.
    public struct Comparison: Sendable, CustomStringConvertible {
        /// The largest |derivative − reference| over all elements.
        public var maxAbsoluteError: Double = 0
        /// The largest |derivative − reference| / max(|derivative|, |reference|) over elements
        /// where that maximum is at least 1e-7 (smaller values are noise at the step used).
        public var maxRelativeError: Double = 0
        /// The element that violates the tolerance the most: input number and row-major index.
        public var worstElement: (input: Int, index: Int) = (0, 0)
        /// The derivative and the reference at the worst element.
        public var worstValues: (derivative: Double, reference: Double) = (0, 0)
        /// The largest |a − b| / (atol + rtol · |b|) over all elements: at most 1 passes.
        var worstRatio: Double = 0
        var hasCompared = false
        let absoluteTolerance: Double
        let relativeTolerance: Double

        init(absoluteTolerance: Double, relativeTolerance: Double) {
            (self.absoluteTolerance, self.relativeTolerance) = (absoluteTolerance, relativeTolerance)
        }

        mutating func compare(_ derivative: Double, _ reference: Double, input: Int, index: Int) {
            let error = abs(derivative - reference)
            let magnitude = max(abs(derivative), abs(reference))
            maxAbsoluteError = max(maxAbsoluteError, error.isNaN ? .infinity : error)
            if magnitude >= 1e-7 { maxRelativeError = max(maxRelativeError, error / magnitude) }
            let ratio = error.isNaN ? Double.infinity : error / (absoluteTolerance + relativeTolerance * abs(reference))
            if ratio > worstRatio || !hasCompared {
                hasCompared = true
                worstRatio = ratio
                worstElement = (input, index)
                worstValues = (derivative, reference)
            }
        }

        /// Whether every element satisfies |derivative − reference| ≤ atol + rtol · |reference|.
        public var passes: Bool { worstRatio <= 1 }

        public var description: String {
            "max abs \(maxAbsoluteError), max rel \(maxRelativeError), worst input \(worstElement.input) index \(worstElement.index) (\(worstValues.derivative) vs \(worstValues.reference))"
        }
    }

    /// Reverse mode (pullback of a random cotangent) against finite differences.
    public var reverseMode: Comparison
    /// Forward mode (pushforward of a random tangent) against finite differences.
    public var forwardMode: Comparison
    /// ⟨u, J v⟩ and ⟨Jᵀu, v⟩, which must agree to rounding.
    public var adjoint: (forward: Double, reverse: Double)

    /// The relative disagreement of the adjoint pair.
    public var adjointRelativeError: Double {
        let scale = max(abs(adjoint.forward), abs(adjoint.reverse), 1e-12)
        return abs(adjoint.forward - adjoint.reverse) / scale
    }

    /// Whether all three comparisons pass their tolerances (the adjoint pair to 1e-8 relative).
    public var passes: Bool { reverseMode.passes && forwardMode.passes && adjointRelativeError <= 1e-8 }

    public var description: String {
        "reverse: \(reverseMode)\nforward: \(forwardMode)\nadjoint: ⟨u, Jv⟩ = \(adjoint.forward), ⟨Jᵀu, v⟩ = \(adjoint.reverse) (relative error \(adjointRelativeError))"
    }
}

/// Checks the derivatives the tape computes for `f` at `inputs` against central finite
/// differences, in Double. Returns a report a test can assert on (`report.passes`).
///
/// The defaults (step 1e-6, absolute tolerance 1e-5, relative tolerance 1e-3) follow PyTorch's
/// gradcheck. Finite differences are only valid where `f` is smooth: keep inputs away from
/// kinks (ReLU at 0, ties inside a max-pooling window), where the one-sided slopes differ.
public func checkGradients(
    of f: ([Tensor<Double>]) -> Tensor<Double>, at inputs: [Tensor<Double>],
    step: Double = 1e-6, absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-3,
    seed: UInt64 = 0
) -> GradientCheckReport {
    var generator = SeededGenerator(seed: seed)
    let (value, pullback) = valueWithPullback(at: inputs, of: f)
    let u = Tensor<Double>(randomNormal: value.shape, using: &generator)
    let tangents = inputs.map { Tensor<Double>(randomNormal: $0.shape, using: &generator) }
    let reverse = pullback(u)
    let (_, pushforward) = valueWithPushforward(at: inputs, of: f)
    let forward = pushforward(tangents)

    func dot(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double { zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 } }

    var reverseComparison = GradientCheckReport.Comparison(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    for (inputNumber, input) in inputs.enumerated() {
        let gradient = reverse[inputNumber].scalars
        for index in 0..<input.elementCount {
            func projected(_ offset: Double) -> Double {
                var arguments = inputs
                arguments[inputNumber].withUnsafeMutableBufferPointer { $0[index] += offset }
                return dot(u, f(arguments))
            }
            let numeric = (projected(step) - projected(-step)) / (2 * step)
            reverseComparison.compare(gradient[index], numeric, input: inputNumber, index: index)
        }
    }

    var forwardComparison = GradientCheckReport.Comparison(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    func moved(_ sign: Double) -> Tensor<Double> {
        f(zip(inputs, tangents).map { $0 + $1 * (sign * step) })
    }
    let numeric = zip(moved(1).scalars, moved(-1).scalars).map { ($0 - $1) / (2 * step) }
    for (index, (derivative, reference)) in zip(forward.scalars, numeric).enumerated() {
        forwardComparison.compare(derivative, reference, input: 0, index: index)
    }

    let reversePairing = zip(reverse, tangents).reduce(0) { $0 + dot($1.0, $1.1) }
    return GradientCheckReport(reverseMode: reverseComparison, forwardMode: forwardComparison,
                               adjoint: (dot(u, forward), reversePairing))
}
