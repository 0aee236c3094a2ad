import Autograd

/// Windows of a token sequence for a language model, as a ``BatchSource``: example i is the
/// `length` ids starting at ``start(ofWindow:epoch:)`` as inputs [length] (whole numbers of
/// `Scalar`) and the `length` ids one position later as its labels, so a batch has inputs
/// [B, length] and labels [B, length] (train with ``Loss/nextTokenCrossEntropy``).
///
/// ```swift
/// let (training, validation) = corpus.split(heldOutFraction: 0.1)
/// let windows = TokenWindows<Float>.random(from: training, length: 128, count: 200 * 16, seed: 1)
/// let held = TokenWindows<Float>.evenlySpaced(from: validation, length: 128, count: 256)
/// try trainer.fit(training: windows, validation: held, epochs: 5, batchSize: 16)  // 200 steps per epoch
/// ```
public struct TokenWindows<Scalar: TensorScalar>: BatchSource, Sendable {
    /// The token ids the windows are cut from.
    public let ids: ArraySlice<Int32>
    /// The number of input ids per window (the model's context length T).
    public let length: Int
    /// The number of windows: the examples of one epoch.
    public let count: Int
    /// How window starts are chosen.
    private let placement: Placement

    private enum Placement: Hashable {
        case random(seed: UInt64)
        case evenlySpaced
    }

    /// `count` windows per epoch at starts drawn uniformly from all `ids.count − length` possible
    /// ones, new ones every epoch: window i of epoch e starts where a ``SeededGenerator`` seeded
    /// from `seed`, e and i says, so the windows depend on the seed and the training position
    /// alone. Sampled without replacement, an epoch of `count / B` steps then sees `count`
    /// independent uniform windows, as transformer.py-style trainers draw them.
    public static func random(from ids: ArraySlice<Int32>, length: Int, count: Int, seed: UInt64,
                              file: StaticString = #fileID, line: UInt = #line) -> TokenWindows {
        TokenWindows(ids: ids, length: length, count: count, placement: .random(seed: seed), file: file, line: line)
    }

    /// `count` fixed windows spread evenly over `ids` (window i starts at
    /// ⌊i · (ids.count − length − 1) / (count − 1)⌋), the same every epoch: a validation set that
    /// runs and frameworks can compare. By default (and at most) as many as fit without
    /// overlapping, ⌊(ids.count − 1) / length⌋.
    public static func evenlySpaced(from ids: ArraySlice<Int32>, length: Int, count: Int? = nil,
                                    file: StaticString = #fileID, line: UInt = #line) -> TokenWindows {
        let fitting = length > 0 ? Swift.max(ids.count - 1, 0) / length : 0
        return TokenWindows(ids: ids, length: length, count: Swift.min(count ?? fitting, fitting), placement: .evenlySpaced,
                            file: file, line: line)
    }

    private init(ids: ArraySlice<Int32>, length: Int, count: Int, placement: Placement, file: StaticString, line: UInt) {
        guard length > 0, count >= 0, count == 0 || ids.count > length else {
            fatalError("TokenWindows: \(count) windows of length \(length) need a positive length and more than \(length) ids, not \(ids.count)",
                       file: file, line: line)
        }
        (self.ids, self.length, self.count, self.placement) = (ids, length, count, placement)
    }

    /// The offset in ``ids`` (from its first id) where window `index` of epoch `epoch` starts.
    public func start(ofWindow index: Int, epoch: Int = 0) -> Int {
        let lastStart = ids.count - length - 1
        switch placement {
        case .random(let seed):
            let draw = UInt64(truncatingIfNeeded: epoch) &* UInt64(truncatingIfNeeded: count) &+ UInt64(truncatingIfNeeded: index)
            var generator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* draw)
            return Int.random(in: 0...lastStart, using: &generator)
        case .evenlySpaced:
            return count > 1 ? index * lastStart / (count - 1) : 0
        }
    }

    /// The windows at `indices` as they are in the first epoch.
    public func trainingBatch(_ indices: some Collection<Int>) -> TrainingBatch<Scalar> {
        batch(indices, epoch: 0)
    }

    /// The windows at `indices` in the epoch of `position` (the same for every epoch when evenly spaced).
    public func trainingBatch(_ indices: some Collection<Int>, at position: TrainingPosition) -> TrainingBatch<Scalar> {
        batch(indices, epoch: position.epoch)
    }

    private func batch(_ indices: some Collection<Int>, epoch: Int) -> TrainingBatch<Scalar> {
        var inputs: [Scalar] = [], labels: [Int32] = []
        inputs.reserveCapacity(indices.count * length)
        labels.reserveCapacity(indices.count * length)
        for index in indices {
            precondition((0..<count).contains(index), "TokenWindows: window \(index) is outside 0..<\(count)")
            let start = ids.startIndex + start(ofWindow: index, epoch: epoch)
            inputs += ids[start..<start + length].map { Scalar(Int($0)) }
            labels += ids[start + 1...start + length]
        }
        return TrainingBatch(inputs: Tensor(inputs, shape: [indices.count, length]),
                             targets: .labels(Tensor(labels, shape: [indices.count, length])))
    }
}
