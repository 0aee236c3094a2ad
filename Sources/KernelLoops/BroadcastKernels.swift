import KernelSupport

/// Fast paths of `broadcast` and its adjoint `reduceSum` for the two common patterns; other
/// shape pairs (a middle axis broadcast, such as [B, 1, T] → [B, H, T]) walk rows with
/// ``StridedKernels``.
///
/// - repeat: the small shape is 1 on leading axes and full on trailing ones, e.g. a bias row
///   [n] → [B, n]. Broadcast copies the block B times; the sum adds the B blocks in order (the
///   reference's order, so the bias gradient is bit-identical to it).
/// - spread: the small shape is full on leading axes and 1 on trailing ones, e.g. [B, 1] → [B, n]
///   or a scalar [] → anything. Broadcast fills runs; the sum adds each run with vector
///   accumulators.
enum BroadcastKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    /// How `small` (right-aligned) relates to `large`.
    enum Pattern {
        /// `blocks` copies of a contiguous block of `blockSize` elements.
        case repeatBlock(blocks: Int, blockSize: Int)
        /// each of `count` elements stretched over a run of `runLength`.
        case spread(count: Int, runLength: Int)

        /// Classifies without allocating: `small` right-aligned against `large`, each pattern
        /// needs a split axis with one kind of axis before it and the other kind after it.
        init?(small: [Int], large: [Int]) {
            let rank = large.count, offset = rank - small.count
            func isOne(_ axis: Int) -> Bool { axis < offset || small[axis - offset] == 1 }
            func isFull(_ axis: Int) -> Bool { axis >= offset && small[axis - offset] == large[axis] }
            // Leading axes of one kind, and the first axis from which all are of the other.
            var leadingFull = 0, leadingOnes = 0
            while leadingFull < rank && isFull(leadingFull) { leadingFull += 1 }
            while leadingOnes < rank && isOne(leadingOnes) { leadingOnes += 1 }
            var trailingOnes = rank, trailingFull = rank
            while trailingOnes > 0 && isOne(trailingOnes - 1) { trailingOnes -= 1 }
            while trailingFull > 0 && isFull(trailingFull - 1) { trailingFull -= 1 }
            // Both sides of the split are counted (not one divided out of the total), so that an
            // empty side leaves the other's size intact: [0, 7] summed to [7] is 7 zeros.
            func head(_ split: Int) -> Int { large[..<split].reduce(1, *) }
            func tail(_ split: Int) -> Int { large[split...].reduce(1, *) }
            if trailingOnes <= leadingFull {
                self = .spread(count: head(trailingOnes), runLength: tail(trailingOnes))
            } else if trailingFull <= leadingOnes {
                self = .repeatBlock(blocks: head(trailingFull), blockSize: tail(trailingFull))
            } else {
                return nil
            }
        }
    }

    static func broadcast(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        switch Pattern(small: source, large: target) {
        case .repeatBlock(let blocks, let size)?:
            for block in 0..<blocks { (y + block * size).update(from: x, count: size) }
        case .spread(let count, let run)?:
            for i in 0..<count { (y + i * run).update(repeating: x[i], count: run) }
        case nil:
            StridedKernels<T>.broadcast(x, source, y, target)
        }
    }

    static func reduceSum(_ x: UnsafePointer<T>, _ source: [Int], _ y: UnsafeMutablePointer<T>, _ target: [Int]) {
        switch Pattern(small: target, large: source) {
        case .repeatBlock(let blocks, let size)?:
            y.update(repeating: 0, count: size)
            for block in 0..<blocks {
                let row = x + block * size
                for j in 0..<size { y[j] += row[j] }
            }
        case .spread(let count, let run)?:
            for i in 0..<count { y[i] = sum(x + i * run, run) }
        case nil:
            StridedKernels<T>.reduceSum(x, source, y, target)
        }
    }

    /// The sum of `count` elements: four vector accumulators, then their lanes in order.
    static func sum(_ x: UnsafePointer<T>, _ count: Int) -> T {
        let width = Vector.scalarCount
        var (s0, s1, s2, s3) = (Vector(), Vector(), Vector(), Vector())
        var i = 0
        while i + 4 * width <= count {
            s0 += (x + i).loadVector()
            s1 += (x + i + width).loadVector()
            s2 += (x + i + 2 * width).loadVector()
            s3 += (x + i + 3 * width).loadVector()
            i += 4 * width
        }
        while i + width <= count {
            s0 += (x + i).loadVector()
            i += width
        }
        if i < count { s1 += (x + i).loadVector(count: count - i) }
        return laneSum((s0 + s1) + (s2 + s3))
    }

    /// The lanes of `vector` added in order.
    @inline(__always)
    static func laneSum(_ vector: Vector) -> T {
        var total: T = 0
        for lane in vector.indices { total += vector[lane] }
        return total
    }
}
