import Autograd

/// An input whose shape a layer cannot take: which layer, the shape it expects and the actual one.
public struct InputShapeError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The names of the containers around the layer, outermost first (`["block2", "conv"]`).
    public var path: [String]
    /// The layer's description, such as `Dense(2 → 3)`.
    public var layer: String
    /// The shape the layer expects, in words or with symbolic axes (`[batch, 2]`).
    public var expected: String
    /// The shape it was given.
    public var actual: Shape

    /// An error raised by `module` itself (no container path yet).
    public init(_ module: some Module, expected: String, actual: Shape) {
        self.init(path: [], layer: module.layerDescription, expected: expected, actual: actual)
    }

    /// An error with every field given.
    public init(path: [String], layer: String, expected: String, actual: Shape) {
        (self.path, self.layer, self.expected, self.actual) = (path, layer, expected, actual)
    }

    /// "layer block2.conv, Conv2D(5×5, 32 → 32, pad 2): expected input of shape [batch, height,
    /// width, 32], got [1, 16, 16, 3]".
    public var description: String {
        let name = path.isEmpty ? layer : "\(path.joined(separator: ".")), \(layer)"
        return "layer \(name): expected input of shape \(expected), got \(actual)"
    }
}

/// The result of `body`, or its error with `name` in front of the error's path: how a container
/// locates an error of the child it calls `name`.
func located<Result>(_ name: String, _ body: () throws(InputShapeError) -> Result) throws(InputShapeError) -> Result {
    do throws(InputShapeError) {
        return try body()
    } catch {
        var located = error
        located.path.insert(name, at: 0)
        throw located
    }
}

extension Module {
    /// The output shape for an input of `shape`; stops with the error's message (layer, expected
    /// and actual shape), after `operation` when one is named, at `file`/`line` when the module
    /// cannot take that shape.
    public func checkedOutputShape(
        forInputShape shape: Shape, operation: String? = nil, file: StaticString = #fileID, line: UInt = #line
    ) -> Shape {
        do {
            return try outputShape(forInputShape: shape)
        } catch {
            fatalError((operation.map { $0 + ": " } ?? "") + error.description, file: file, line: line)
        }
    }
}
