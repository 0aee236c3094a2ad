import Autograd

/// What a forward pass needs besides the input: whether it is training (dropout active) or
/// inference, and the generator that dropout masks are drawn from.
///
/// The generator advances with every mask drawn, so a training run that keeps one context
/// draws the same masks for the same seed; its state can be saved with the model.
public struct ForwardContext: Sendable, Hashable {
    /// True while training: dropout layers drop. False for inference: every unit is active.
    public var isTraining: Bool
    /// The source of the random numbers a training pass draws (dropout masks).
    public var generator: SeededGenerator

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
