/// A fast, seedable pseudo-random generator (xoshiro256**) whose whole state can be saved and
/// restored, so that a training run resumes bit for bit.
///
/// There is no global generator: whoever needs randomness owns one and passes it `inout`.
public struct SeededGenerator: RandomNumberGenerator, Hashable, Sendable {
    /// The four words of generator state. Never all zero.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose sequence is determined by `seed` (expanded with SplitMix64).
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// Restores a generator from a state saved with ``state``; nil if the state is all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.state = (state[0], state[1], state[2], state[3])
    }

    /// The state as four words, for saving.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool { lhs.stateWords == rhs.stateWords }
    public func hash(into hasher: inout Hasher) { hasher.combine(stateWords) }
}

extension RandomNumberGenerator {
    /// A sample of the standard normal distribution N(0, 1) (Box–Muller, one of the pair).
    public mutating func nextStandardNormal() -> Double {
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = 1.0 - Double.random(in: 0..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }
}
