import Layers

/// Parameters that train differently from the rest: frozen (no gradient, no update, no weight
/// decay), or with their own learning rate and weight decay, as PyTorch's parameter groups.
///
/// A group selects parameters by dotted name: an entry selects the parameter of that name and
/// every parameter under it, so `"encoder"` selects `encoder.weight` and `encoder.conv.bias`, and
/// `"head.bias"` that one bias. ``Module/parameterInfo(groups:file:line:)`` applies groups to a
/// model; ``Trainer/parameterGroups`` is where a training run takes them.
///
/// ```swift
/// trainer.parameterGroups = [.frozen(["features"]),
///                            ParameterGroup(["head"], learningRateScale: 10, weightDecay: .decoupled(0))]
/// ```
public struct ParameterGroup: Hashable, Sendable {
    /// The names of the layers or parameters in the group.
    public var names: [String]
    /// Whether the group's parameters are frozen.
    public var isFrozen: Bool
    /// The factor applied to the optimiser's (scheduled) learning rate.
    public var learningRateScale: Double
    /// The weight decay of every parameter in the group, biases included, instead of the
    /// optimiser's (nil: the optimiser's, on weights only).
    public var weightDecay: WeightDecay?

    /// A group of the layers or parameters `names` that trains with `learningRateScale` (finite,
    /// not negative) times the optimiser's learning rate and, when given, its own `weightDecay`.
    public init(_ names: [String], learningRateScale: Double = 1, weightDecay: WeightDecay? = nil,
                file: StaticString = #fileID, line: UInt = #line) {
        guard learningRateScale.isFinite, learningRateScale >= 0 else {
            fatalError("ParameterGroup: learningRateScale must be finite and not negative, not \(learningRateScale)", file: file, line: line)
        }
        self.init(names: names, isFrozen: false, learningRateScale: learningRateScale, weightDecay: weightDecay)
    }

    private init(names: [String], isFrozen: Bool, learningRateScale: Double, weightDecay: WeightDecay?) {
        (self.names, self.isFrozen, self.learningRateScale, self.weightDecay) = (names, isFrozen, learningRateScale, weightDecay)
    }

    /// The layers or parameters `names`, frozen.
    public static func frozen(_ names: [String]) -> ParameterGroup {
        ParameterGroup(names: names, isFrozen: true, learningRateScale: 1, weightDecay: nil)
    }

    /// Whether `parameter` is one of the names of the group or lies under one of them.
    func selects(_ parameter: String) -> Bool { names.contains { parameter.lies(under: $0) } }

    /// The settings of `info`, a parameter of the group.
    func applied(to info: ParameterInfo) -> ParameterInfo {
        var result = info
        result.isFrozen = isFrozen
        result.learningRateScale = learningRateScale
        if let weightDecay {
            result.weightDecay = weightDecay
            result.isDecayed = true
        }
        return result
    }

    /// The group as text, for a run's settings: `frozen features` or `head ×10.0 decay decoupled(0.0)`.
    var settingDescription: String {
        var parts = [names.joined(separator: ",")]
        if isFrozen { parts.insert("frozen", at: 0) }
        if learningRateScale != 1 { parts.append("×\(learningRateScale)") }
        if let weightDecay { parts.append("decay \(weightDecay)") }
        return parts.joined(separator: " ")
    }
}

extension Parameterized {
    /// ``parameterInfo`` with `groups` applied: each parameter takes the settings of the group
    /// that selects it. A name that selects no parameter, or a parameter selected by two
    /// groups, stops with a message naming it (a misspelt name would otherwise train a layer
    /// meant to be frozen).
    public func parameterInfo(groups: [ParameterGroup], file: StaticString = #fileID, line: UInt = #line) -> [ParameterInfo] {
        var info = parameterInfo
        for group in groups {
            for name in group.names where !info.contains(where: { $0.name.lies(under: name) }) {
                fatalError("parameter group: \"\(name)\" names no parameter of \(layerDescription) (parameters: \(info.map(\.name).joined(separator: ", ")))",
                           file: file, line: line)
            }
        }
        for index in info.indices {
            let selecting = groups.indices.filter { groups[$0].selects(info[index].name) }
            guard selecting.count <= 1 else {
                fatalError("parameter group: parameter \"\(info[index].name)\" is in groups \(selecting) (at most one)", file: file, line: line)
            }
            if let group = selecting.first { info[index] = groups[group].applied(to: info[index]) }
        }
        return info
    }
}

extension String {
    /// Whether this dotted parameter name is `name` or lies under it (`conv.weight` under `conv`,
    /// not under `con`).
    func lies(under name: String) -> Bool { self == name || hasPrefix(name + ".") }
}
