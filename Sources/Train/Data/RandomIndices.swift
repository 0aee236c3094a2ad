// The two random draws every sampling scheme is built from, written out here (rather than
// taken from the standard library, whose algorithms may change between releases) so that a seed
// gives the same indices on every toolchain. Docs/Data.md states the equations.

/// An index drawn uniformly from `0..<count` (Lemire's multiply-and-reject method): with
/// x = generator.next(), the 128-bit product x · count has high word h and low word l; when
/// l < 2⁶⁴ mod count the draw is rejected and repeated; otherwise the index is h.
func uniformIndex<G: RandomNumberGenerator>(below count: Int, using generator: inout G) -> Int {
    precondition(count > 0, "uniformIndex: the range 0..<\(count) is empty")
    let bound = UInt64(count)
    let threshold = (0 &- bound) % bound  // 2⁶⁴ mod count
    while true {
        let (high, low) = generator.next().multipliedFullWidth(by: bound)
        if low >= threshold { return Int(high) }
    }
}

/// A uniformly random permutation of `0..<count` (Fisher–Yates): starting from the identity, for
/// i = count − 1 down to 1, swap position i with position j = uniformIndex(below: i + 1).
func shuffledIndices<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> [Int] {
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
        order.swapAt(i, uniformIndex(below: i + 1, using: &generator))
    }
    return order
}

/// The indices of a seeded split of `0..<count`: a permutation whose first `validationCount`
/// entries are the validation part, the rest the training part, each sorted.
func splitIndices<G: RandomNumberGenerator>(count: Int, validationCount: Int, using generator: inout G, operation: String,
                                            file: StaticString, line: UInt) -> (training: [Int], validation: [Int]) {
    guard (0...count).contains(validationCount) else {
        fatalError("\(operation): \(validationCount) validation images asked of \(count)", file: file, line: line)
    }
    let order = shuffledIndices(count: count, using: &generator)
    return (order[validationCount...].sorted(), order[..<validationCount].sorted())
}
