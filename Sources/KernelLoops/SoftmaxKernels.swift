import KernelSupport

/// Softmax and log-softmax along the last axis (contiguous rows), a vector at a time: the row
/// maximum, e^(x − max) with its sum, then one scaling pass. Other axes use the reference.
/// Entries of −∞ (an additive mask) get probability 0; a row of nothing but −∞ gets zeros
/// (log-softmax: −∞), not NaN.
enum SoftmaxKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    static func softmax(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ layout: AxisLayout, _ logarithmic: Bool) {
        guard layout.inner == 1 else { return ReferenceKernels<T>.softmax(x, y, layout, logarithmic) }
        for row in 0..<layout.outer {
            softmaxRow(x + row * layout.size, y + row * layout.size, layout.size, logarithmic)
        }
    }

    /// The causal softmax (``KernelTable/CausalSoftmax``): row i of each block of `size` rows by
    /// ``softmaxRow(_:_:_:_:)`` over its first i + 1 entries, then zeros.
    static func causalSoftmax(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ rows: Int, _ size: Int) {
        for row in 0..<rows {
            let (kept, start) = (row % size + 1, row * size)
            softmaxRow(x + start, y + start, kept, false)
            (y + start + kept).update(repeating: 0, count: size - kept)
        }
    }

    static func softmaxRow(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int, _ logarithmic: Bool) {
        let width = Vector.scalarCount
        let tail = count % width, whole = count - tail

        // The lane-wise maximum (NaNs never win: a NaN difference is not above zero), with
        // `choosing`: the standard library's pointwiseMax compiled to a loop over lanes here.
        @inline(__always) func larger(_ a: Vector, _ b: Vector) -> Vector { Vector.choosing(b, whereAboveZero: b - a, otherwise: a) }
        var largestLanes = Vector(repeating: -.infinity)
        for i in stride(from: 0, to: whole, by: width) { largestLanes = larger(largestLanes, (x + i).loadVector()) }
        if tail > 0 { largestLanes = larger(largestLanes, (x + whole).loadVector(count: tail, padding: -.infinity)) }
        var largest = -T.infinity
        for lane in largestLanes.indices { largest = Swift.max(largest, largestLanes[lane]) }
        // A row masked whole (every entry −∞) has no distribution: zeros (log-softmax −∞). The
        // lane maximum skips NaN, so a row of NaN and −∞ lands here too and stays NaN.
        guard largest > -T.infinity else {
            let hasNaN = (0..<count).contains { x[$0].isNaN }
            return y.update(repeating: hasNaN ? .nan : logarithmic ? -T.infinity : 0, count: count)
        }

        // e^(x − max) into y (padding lanes give e^−∞ = 0), summed per lane.
        let shift = Vector(repeating: largest)
        var totals = Vector()
        for i in stride(from: 0, to: whole, by: width) {
            let e = Vector.exp((x + i).loadVector() - shift)
            (y + i).storeVector(e)
            totals += e
        }
        if tail > 0 {
            let e = Vector.exp((x + whole).loadVector(count: tail, padding: -.infinity) - shift)
            (y + whole).storeVector(e, count: tail)
            totals += e
        }
        let total = BroadcastKernels<T>.laneSum(totals)

        if logarithmic {
            let offset = Vector(repeating: largest + T.libraryLogarithm(total))
            for i in stride(from: 0, to: whole, by: width) { (y + i).storeVector((x + i).loadVector() - offset) }
            if tail > 0 { (y + whole).storeVector((x + whole).loadVector(count: tail) - offset, count: tail) }
        } else {
            let scale = Vector(repeating: 1 / total)
            for i in stride(from: 0, to: whole, by: width) { (y + i).storeVector(UnsafePointer(y + i).loadVector() * scale) }
            if tail > 0 { (y + whole).storeVector(UnsafePointer(y + whole).loadVector(count: tail) * scale, count: tail) }
        }
    }
}
