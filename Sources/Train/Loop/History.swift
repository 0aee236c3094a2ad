/// What happened in one epoch of training.
public struct EpochRecord: Hashable, Sendable {
    /// The epoch, counted from 0.
    public var epoch: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// The training loss averaged over the epoch's examples as they were visited, with the
    /// weights changing after each batch (seed 004 §7.4: "averaged over the individual batches
    /// that form the epoch—note that weights are updated after each batch").
    public var trainingLoss: Double
    /// The fraction of training examples classified correctly, counted likewise.
    public var trainingAccuracy: Double
    /// The fraction of training examples whose label is not among the top k outputs, when the
    /// model has more than k outputs.
    public var trainingTopKError: Double?
    /// The loss on the validation data after the epoch, if there is validation data.
    public var validationLoss: Double?
    /// The validation accuracy after the epoch.
    public var validationAccuracy: Double?
    /// The validation top-k error after the epoch.
    public var validationTopKError: Double?
    /// The wall-clock time of the epoch, validation included, in seconds.
    public var seconds: Double

    /// A record; the optional measurements default to absent.
    public init(epoch: Int, learningRate: Double, trainingLoss: Double, trainingAccuracy: Double,
                trainingTopKError: Double? = nil, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
                validationTopKError: Double? = nil, seconds: Double = 0) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.trainingTopKError = trainingTopKError
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.validationTopKError = validationTopKError
        self.seconds = seconds
    }
}

/// The record of a training run: one ``EpochRecord`` per epoch, the training loss of every
/// step (the seeds plot the cost against the iteration), and why training stopped early, if
/// it did.
public struct History: Hashable, Sendable {
    /// One record per completed epoch, in order.
    public var epochs: [EpochRecord] = []
    /// The loss of every step, in order.
    public var stepLosses: [Double] = []
    /// Why training stopped before the requested number of epochs, or nil.
    public var stopReason: StopReason?
    /// k of the top-k errors (seed 004 reports top-5).
    public var topK: Int = 5

    /// An empty history.
    public init() {}

    /// The epoch with the lowest validation loss, if any epoch has one.
    public var bestValidationEpoch: EpochRecord? {
        epochs.filter { $0.validationLoss != nil }.min { $0.validationLoss! < $1.validationLoss! }
    }
}
