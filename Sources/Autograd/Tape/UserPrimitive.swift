// The public API for primitives defined outside the library. A user's primitive is recorded
// like a built-in one: one entry on the tape, with the user's pullback and pushforward. When
// those are written with differentiable operations, derivatives of any order follow, and a
// compiled function replays the user's forward rule.

extension Tensor where Scalar: TensorScalar {
    /// The value of a differentiable primitive the caller defines: `forward` computes it from
    /// `inputs`, and when an input is recorded the tape keeps one entry (``Primitive/custom``)
    /// with the caller's derivative rules.
    ///
    /// - `forward` receives the inputs detached from the tape: whatever it computes with them is
    ///   not recorded (it is the primitive's own business). A ``CompiledFunction`` replays it on
    ///   each run, on copies of the new operands; it must return the same shape every time.
    /// - `pullback(ȳ, y, x)` returns one cotangent per input, shaped like it (nil: zero), given
    ///   the output cotangent ȳ, the output y and the (recorded) inputs x.
    /// - `pushforward(ẋ, y, x)` returns the output tangent, shaped like y, given one tangent per
    ///   input (nil: zero; at least one is present).
    ///
    /// Write the rules with differentiable tensor operations on the arguments they receive:
    /// a gradient computed inside another recording scope then records them, and the outer
    /// scope differentiates them again (Hessian-vector products, as for built-in primitives).
    /// Results of the wrong count or shape stop with a message that names `name`, the shapes
    /// and the caller's location. See Docs/Autograd.md, "Defining your own primitive".
    public static func primitive(
        _ name: String, inputs: [Tensor], file: StaticString = #fileID, line: UInt = #line,
        forward: @escaping ([Tensor]) -> Tensor,
        pullback: @escaping (_ cotangent: Tensor, _ output: Tensor, _ inputs: [Tensor]) -> [Tensor?],
        pushforward: @escaping (_ tangents: [Tensor?], _ output: Tensor, _ inputs: [Tensor]) -> Tensor
    ) -> Tensor {
        let y = forward(inputs.map(\.detached)).detached
        let shapes = inputs.map(\.shape)
        let rule: Forward<Scalar> = { operands, output in
            let operands = shapes.indices.map { Tensor(copying: operands[$0], shape: shapes[$0]) }
            let result = forward(operands)
            guard result.shape == y.shape else {
                fatalError("\(name): the forward rule returned shape \(result.shape) on replay where \(y.shape) was traced",
                           file: file, line: line)
            }
            result.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: $0.count) }
        }
        return UserRules(name: name, inputs: inputs, file: file, line: line).record(y, rule, pullback, pushforward)
    }

    /// The value of a differentiable primitive the caller defines on raw elements: `forward`
    /// writes every element of the output (of `shape`) from the inputs' elements, row-major.
    /// Otherwise as ``primitive(_:inputs:file:line:forward:pullback:pushforward:)``; a compiled
    /// function replays `forward` on its buffers, with no copies.
    public static func primitive(
        _ name: String, inputs: [Tensor], shape: Shape, file: StaticString = #fileID, line: UInt = #line,
        forward: @escaping (_ inputs: [UnsafeBufferPointer<Scalar>], _ output: UnsafeMutableBufferPointer<Scalar>) -> Void,
        pullback: @escaping (_ cotangent: Tensor, _ output: Tensor, _ inputs: [Tensor]) -> [Tensor?],
        pushforward: @escaping (_ tangents: [Tensor?], _ output: Tensor, _ inputs: [Tensor]) -> Tensor
    ) -> Tensor {
        let counts = inputs.map(\.elementCount)
        let outputCount = shape.elementCount
        let rule: Forward<Scalar> = { operands, output in
            forward(counts.indices.map { UnsafeBufferPointer(start: operands[$0], count: counts[$0]) },
                    UnsafeMutableBufferPointer(start: output, count: outputCount))
        }
        let y = Tensor(shape: shape, evaluating: rule, inputs: inputs)
        return UserRules(name: name, inputs: inputs, file: file, line: line).record(y, rule, pullback, pushforward)
    }

    /// A tensor of `shape` holding a copy of the elements at `elements`.
    init(copying elements: UnsafePointer<Scalar>, shape: Shape) {
        self.init(shape: shape) { $0.baseAddress!.update(from: elements, count: $0.count) }
    }
}

/// A user's primitive at one call site: records it with its rules, checking what they return.
private struct UserRules<Scalar: TensorScalar> {
    let name: String
    let inputs: [Tensor<Scalar>]
    let file: StaticString
    let line: UInt

    func record(
        _ y: Tensor<Scalar>, _ forward: @escaping Forward<Scalar>,
        _ pullback: @escaping (Tensor<Scalar>, Tensor<Scalar>, [Tensor<Scalar>]) -> [Tensor<Scalar>?],
        _ pushforward: @escaping ([Tensor<Scalar>?], Tensor<Scalar>, [Tensor<Scalar>]) -> Tensor<Scalar>
    ) -> Tensor<Scalar> {
        guard let tape = Tape.recording(inputs) else { return y }
        return tape.record(.custom, y, inputs: inputs, forward: forward,
            pullback: { cotangent, output in
                let cotangents = pullback(cotangent, output, inputs)
                checkCotangents(cotangents)
                return Tangents(cotangents)
            },
            pushforward: { tangents, output in
                let tangent = pushforward(inputs.indices.map { tangents[$0] }, output, inputs)
                guard tangent.shape == output.shape else {
                    fatalError("\(name): the pushforward returned shape \(tangent.shape) for an output of shape \(output.shape)",
                               file: file, line: line)
                }
                return tangent
            })
    }

    /// Stops unless the pullback returned one cotangent (or nil) per input, shaped like it.
    private func checkCotangents(_ cotangents: [Tensor<Scalar>?]) {
        guard cotangents.count == inputs.count else {
            fatalError("\(name): the pullback returned \(cotangents.count) cotangents for \(inputs.count) inputs",
                       file: file, line: line)
        }
        for (slot, (cotangent, input)) in zip(cotangents, inputs).enumerated() {
            if let cotangent, cotangent.shape != input.shape {
                fatalError("\(name): the pullback returned a cotangent of shape \(cotangent.shape) for input \(slot) of shape \(input.shape)",
                           file: file, line: line)
            }
        }
    }
}
