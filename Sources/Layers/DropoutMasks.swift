import Autograd

/// One dropout mask a training pass draws: its shape and drop rate, enough to draw the same
/// mask again from the same generator state (``ForwardContext/maskDraws``).
public struct DropoutDraw: Sendable, Hashable {
    /// The mask's shape (the dropout layer's input shape).
    public var shape: Shape
    /// The probability that an element is dropped.
    public var rate: Double

    /// A draw of a mask of `shape` at `rate`.
    public init(shape: Shape, rate: Double) { (self.shape, self.rate) = (shape, rate) }

    /// The mask ``Dropout`` draws from `generator` for this shape and rate.
    public func mask<Scalar: TensorScalar>(using generator: inout SeededGenerator) -> Tensor<Scalar> {
        Dropout<Scalar>(rate: rate).mask(shape, using: &generator)
    }
}

/// Dropout masks handed to the dropout layers of a pass in call order (``ForwardContext/suppliedMasks``):
/// a compiled function's mask inputs while it is traced, or masks drawn ahead of an eager pass.
public struct SuppliedMasks: Sendable, Hashable {
    private var masks: [Mask]
    /// The number of masks taken so far.
    public private(set) var taken = 0

    /// Masks to hand out in the order of `masks`.
    public init<Scalar: TensorScalar>(_ masks: [Tensor<Scalar>]) { self.masks = masks.map(Mask.init) }

    /// The number of masks not yet taken.
    public var remaining: Int { masks.count - taken }

    /// The next mask, which must have `shape` and the model's scalar type.
    mutating func next<Scalar: TensorScalar>(_ shape: Shape) -> Tensor<Scalar> {
        guard taken < masks.count, let mask = masks[taken].tensor as? Tensor<Scalar>, mask.shape == shape else {
            fatalError("Dropout: supplied mask \(taken + 1) of \(masks.count) does not fit an input of shape \(shape) "
                       + (taken < masks.count ? "(its shape is \(masks[taken].tensor.shape))" : "(none left)"))
        }
        taken += 1
        return mask
    }

    /// A mask of either scalar type; equal when shapes and elements are.
    private struct Mask: Sendable, Hashable {
        let tensor: any TensorShaped
        init<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) { self.tensor = tensor }
        static func == (lhs: Mask, rhs: Mask) -> Bool { lhs.tensor.isEqual(to: rhs.tensor) }
        func hash(into hasher: inout Hasher) { hasher.combine(tensor.shape) }
    }
}

/// A tensor of any scalar type, seen through its shape and its equality with another.
private protocol TensorShaped: Sendable {
    var shape: Shape { get }
    func isEqual(to other: any TensorShaped) -> Bool
}

extension Tensor: TensorShaped where Scalar: TensorScalar {
    fileprivate func isEqual(to other: any TensorShaped) -> Bool { (other as? Tensor<Scalar>) == self }
}

extension ForwardContext {
    /// The dropout mask of a layer dropping with probability `rate` whose input has `shape`:
    /// the next supplied mask, or a new one drawn from ``generator`` (and logged in ``maskDraws``).
    mutating func dropoutMask<Scalar: TensorScalar>(_ shape: Shape, rate: Double) -> Tensor<Scalar> {
        if suppliedMasks != nil { return suppliedMasks!.next(shape) }
        let draw = DropoutDraw(shape: shape, rate: rate)
        maskDraws?.append(draw)
        return draw.mask(using: &generator)
    }
}
