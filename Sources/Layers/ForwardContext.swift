import Autograd

/// What a forward pass needs besides the input: whether it is training (dropout active) or
/// inference, and the generator that dropout masks are drawn from.
///
/// The generator advances with every mask drawn, so a training run that keeps one context
/// draws the same masks for the same seed; its state can be saved with the model.
///
/// A compiled training step (``CompiledFunction``) freezes every tensor its body creates, so
/// dropout masks must be *inputs* of it instead: set ``maskDraws`` to `[]` for one eager pass to
/// learn which masks a pass draws, draw them with ``DropoutDraw/mask(using:)`` before each run,
/// and hand them to the traced pass (and to an eager pass that must draw the same) through
/// ``suppliedMasks``.
public struct ForwardContext: Sendable, Hashable {
    /// True while training: dropout layers drop. False for inference: every unit is active.
    public var isTraining: Bool
    /// The source of the random numbers a training pass draws (dropout masks).
    public var generator: SeededGenerator
    /// When not nil, every mask drawn from ``generator`` is also logged here, in call order.
    public var maskDraws: [DropoutDraw]?
    /// When not nil, dropout layers take their masks from here, in call order, instead of
    /// drawing them (the generator is left as it is).
    public var suppliedMasks: SuppliedMasks?

    /// A context for training (`isTraining`) or inference drawing from `generator`.
    public init(isTraining: Bool, generator: SeededGenerator = SeededGenerator(seed: 0)) {
        self.isTraining = isTraining
        self.generator = generator
    }

    /// A training context whose dropout masks follow `seed`.
    public static func training(seed: UInt64) -> ForwardContext {
        ForwardContext(isTraining: true, generator: SeededGenerator(seed: seed))
    }

    /// An inference context: dropout is the identity and nothing random is drawn.
    public static var inference: ForwardContext { ForwardContext(isTraining: false) }
}
