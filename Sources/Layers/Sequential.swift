import Autograd

/// Layers of any types applied one after another, each under a name that prefixes its
/// parameters' names (`block1` + `conv` + `weight` = `block1.conv.weight`).
///
/// ```swift
/// let model = Sequential<Float> {
///     Dense(inputSize: 784, outputSize: 100, using: &generator).named("hidden")
///     Activation(.relu)
///     Dense(inputSize: 100, outputSize: 10, using: &generator).named("output")
/// }
/// ```
/// A layer without a name is called by its position (`"1"` for the activation above).
public struct Sequential<Scalar: TensorScalar>: Module {
    /// A layer of a sequence and its name (nil: its position).
    public struct Entry {
        /// The name given with ``Module/named(_:)``, or nil.
        public var name: String?
        /// The layer.
        public var module: any Module<Scalar>

        /// An entry for `module` under `name`.
        public init(name: String?, module: any Module<Scalar>) { (self.name, self.module) = (name, module) }
    }

    /// The layers in order, with their names.
    public private(set) var sublayers: [(name: String, module: any Module<Scalar>)]

    /// A sequence of `entries`. Names must be unique, non-empty and free of dots.
    public init(_ entries: [Entry], file: StaticString = #fileID, line: UInt = #line) {
        sublayers = entries.enumerated().map { position, entry in (entry.name ?? String(position), entry.module) }
        var seen = Set<String>()
        for (name, _) in sublayers {
            guard !name.isEmpty, !name.contains("."), seen.insert(name).inserted else {
                fatalError("Sequential: layer name \"\(name)\" is empty, contains a dot or is used twice",
                                    file: file, line: line)
            }
        }
    }

    /// A sequence of the layers `content` lists.
    public init(file: StaticString = #fileID, line: UInt = #line, @ModuleBuilder<Scalar> _ content: () -> [Entry]) {
        self.init(content(), file: file, line: line)
    }

    /// Each layer applied to the previous one's output. The whole chain of shapes is checked
    /// first, so a mismatch stops before any work with the name of the layer it concerns.
    public func callAsFunction(_ input: Tensor<Scalar>, context: inout ForwardContext) -> Tensor<Scalar> {
        _ = checkedOutputShape(forInputShape: input.shape)
        var value = input
        for (_, module) in sublayers {
            value = module(value, context: &context)
        }
        return value
    }

    /// The parameters of every layer in order, each name prefixed with the layer's name.
    public mutating func visitParameters(_ visit: (_ name: String, _ role: ParameterRole, _ value: inout Tensor<Scalar>) -> Void) {
        for index in sublayers.indices {
            let name = sublayers[index].name
            sublayers[index].module.visitParameters(prefixedBy: name, visit)
        }
    }

    /// The state of every layer in order, each name prefixed with the layer's name.
    public mutating func visitState(_ visit: (_ name: String, _ value: inout Tensor<Scalar>) -> Void) {
        for index in sublayers.indices {
            let name = sublayers[index].name
            sublayers[index].module.visitState(prefixedBy: name, visit)
        }
    }

    /// The shape after every layer; an error names the layer that cannot take its input.
    public func outputShape(forInputShape shape: Shape) throws(InputShapeError) -> Shape {
        var shape = shape
        for (name, module) in sublayers {
            shape = try located(name) { [shape] () throws(InputShapeError) in try module.outputShape(forInputShape: shape) }
        }
        return shape
    }

    /// "Sequential".
    public var layerDescription: String { "Sequential" }
}

extension Module {
    /// This layer under `name`, for ``Sequential``.
    public func named(_ name: String) -> Sequential<Scalar>.Entry { Sequential.Entry(name: name, module: self) }
}

/// The result-builder syntax of ``Sequential``: one layer (or ``Module/named(_:)`` entry) per
/// line, with `if`, `if`–`else` and `for` allowed.
@resultBuilder
public enum ModuleBuilder<Scalar: TensorScalar> {
    /// An unnamed layer.
    public static func buildExpression(_ module: some Module<Scalar>) -> [Sequential<Scalar>.Entry] {
        [Sequential.Entry(name: nil, module: module)]
    }

    /// A named layer.
    public static func buildExpression(_ entry: Sequential<Scalar>.Entry) -> [Sequential<Scalar>.Entry] { [entry] }

    /// The layers of a block, in order.
    public static func buildBlock(_ parts: [Sequential<Scalar>.Entry]...) -> [Sequential<Scalar>.Entry] {
        parts.flatMap { $0 }
    }

    /// The layers of an `if` without `else`: none when the condition is false.
    public static func buildOptional(_ part: [Sequential<Scalar>.Entry]?) -> [Sequential<Scalar>.Entry] { part ?? [] }

    /// The layers of the `if` branch.
    public static func buildEither(first part: [Sequential<Scalar>.Entry]) -> [Sequential<Scalar>.Entry] { part }

    /// The layers of the `else` branch.
    public static func buildEither(second part: [Sequential<Scalar>.Entry]) -> [Sequential<Scalar>.Entry] { part }

    /// The layers of every iteration of a `for` loop.
    public static func buildArray(_ parts: [[Sequential<Scalar>.Entry]]) -> [Sequential<Scalar>.Entry] {
        parts.flatMap { $0 }
    }
}
