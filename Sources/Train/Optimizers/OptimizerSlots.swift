import Autograd
import KernelSupport

/// The state every optimiser keeps in the same way: per-parameter tensors ("slots", such as a
/// velocity or Adam's two moments) keyed `<parameter name>.<slot>`, and a step count. It also
/// runs the update loop shared by all optimisers.
struct OptimizerSlots<Scalar: TensorScalar> {
    /// The slots each parameter has, in kernel order (first, second).
    let slotNames: [String]
    /// Whether the step count is part of the state (Adam's bias correction needs it).
    let countsSteps: Bool
    private(set) var tensors: [String: Tensor<Scalar>] = [:]
    /// The number of updates applied so far.
    private(set) var step = 0

    init(slots: [String], countsSteps: Bool) {
        slotNames = slots
        self.countsSteps = countsSteps
    }

    /// Applies the update of kind `rule` (given the 1-based number of this step) to every
    /// parameter that is not frozen, creating zero slots the first time a parameter is seen.
    /// Each parameter's learning rate is `learningRate` times its scale, and its weight decay
    /// its own or else `weightDecay`; frozen parameters and their slots are left untouched.
    mutating func apply(
        _ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>], info: [ParameterInfo],
        learningRate: Double, weightDecay: WeightDecay, rule: (_ step: Int) -> UpdateRule<Scalar>.Kind
    ) {
        guard parameters.count == gradients.count, parameters.count == info.count else {
            fatalError("optimiser update: \(parameters.count) parameters, \(gradients.count) gradients and \(info.count) parameter descriptions must match")
        }
        step += 1
        let kernels = Scalar.kernels
        let kind = rule(step)
        for index in parameters.indices where !info[index].isFrozen {
            let gradient = gradients[index]
            guard gradient.shape == parameters[index].shape else {
                fatalError("optimiser update: gradient of shape \(gradient.shape) for parameter '\(info[index].name)' of shape \(parameters[index].shape)")
            }
            let eta = learningRate * info[index].learningRateScale
            let decay = info[index].weightDecay ?? weightDecay
            let (coupled, shrink): (Scalar, Scalar) = decay.coefficients(learningRate: eta, applies: info[index].isDecayed)
            let update = UpdateRule(kind: kind, learningRate: Scalar(eta), coupledDecay: coupled, shrink: shrink)
            var slots = slotNames.map { slot in
                tensors.removeValue(forKey: key(info[index].name, slot)) ?? Tensor.zeros(gradient.shape)
            }
            parameters[index].withUnsafeMutableBufferPointer { p in
                gradient.withUnsafeBufferPointer { g in
                    withSlotPointers(&slots) { first, second in
                        kernels.update(update, p.baseAddress!, g.baseAddress!, first, second, p.count)
                    }
                }
            }
            for (slot, tensor) in zip(slotNames, slots) { tensors[key(info[index].name, slot)] = tensor }
        }
    }

    /// The state as named tensors; the step count is `step`, split into two 24-bit halves so
    /// that it stays exact in `Float`.
    var exported: [String: Tensor<Scalar>] {
        guard countsSteps else { return tensors }
        var result = tensors
        result["step"] = Tensor([Scalar(step >> 24), Scalar(step & 0xFF_FFFF)])
        return result
    }

    /// Replaces the state with `state`, checked against the parameters: either every slot of
    /// every parameter that is not frozen is present (with the parameter's shape) or none is (a
    /// fresh state); a frozen parameter's slots may be present or not.
    mutating func restore(_ state: [String: Tensor<Scalar>], for parameters: [Tensor<Scalar>], info: [ParameterInfo]) throws {
        var expected = [String: Shape]()
        var required = Set<String>()
        for (parameter, description) in zip(parameters, info) {
            for slot in slotNames {
                expected[key(description.name, slot)] = parameter.shape
                if !description.isFrozen { required.insert(key(description.name, slot)) }
            }
        }
        if let unknown = state.keys.sorted().first(where: { expected[$0] == nil && !(countsSteps && $0 == "step") }) {
            throw OptimizerStateError.unexpected(unknown)
        }
        let hasSlots = state.keys.contains { expected[$0] != nil }
        if hasSlots, let absent = required.sorted().first(where: { state[$0] == nil }) {
            throw OptimizerStateError.missing(absent)
        }
        for (name, shape) in expected {
            if let found = state[name]?.shape, found != shape {
                throw OptimizerStateError.shapeMismatch(name: name, expected: shape, found: found)
            }
        }
        let restoredStep = countsSteps ? try Self.decodeStep(state["step"], required: hasSlots) : 0
        tensors = state.filter { expected[$0.key] != nil }.mapValues(\.detached)
        step = restoredStep
    }

    private static func decodeStep(_ tensor: Tensor<Scalar>?, required: Bool) throws -> Int {
        guard let tensor else {
            if required { throw OptimizerStateError.missing("step") }
            return 0
        }
        let words = tensor.scalars.map(Double.init)
        guard words.count == 2, words.allSatisfy({ $0 >= 0 && $0 < 0x100_0000 && $0.rounded() == $0 }) else {
            throw OptimizerStateError.invalidStep("expected two integers below 2^24, found \(words)")
        }
        return Int(words[0]) << 24 | Int(words[1])
    }

    private func key(_ parameter: String, _ slot: String) -> String { parameter + "." + slot }
}

/// Calls `body` with pointers to the first two slots (nil where a slot does not exist).
private func withSlotPointers<Scalar: TensorScalar>(
    _ slots: inout [Tensor<Scalar>],
    _ body: (UnsafeMutablePointer<Scalar>?, UnsafeMutablePointer<Scalar>?) -> Void
) {
    switch slots.count {
    case 0: body(nil, nil)
    case 1: slots[0].withUnsafeMutableBufferPointer { body($0.baseAddress, nil) }
    default:
        var (first, second) = (slots[0], slots[1])
        slots = []
        first.withUnsafeMutableBufferPointer { a in second.withUnsafeMutableBufferPointer { b in body(a.baseAddress, b.baseAddress) } }
        slots = [first, second]
    }
}
