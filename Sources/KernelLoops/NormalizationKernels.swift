import KernelSupport

/// The `normalize` and `normalizeGradient` table entries: y = γ x̂ + β with x̂ = (x − μ) · s,
/// s = 1/√(σ² + ε), μ and σ² (biased) per group of a ``NormalizationLayout``, and its pullback
/// x̄ = s (h − mean(h) − x̂ mean(h x̂)) with h = ḡ γ, γ̄ = Σ ḡ x̂, β̄ = Σ ḡ. Rectified, y = max(0, ·)
/// as it is stored, and the pullback reads ḡ ∘ 1[y > 0] for ḡ, so a ReLU after the
/// normalisation costs no pass of its own.
///
/// Forward: one read pass for the statistics, one pass writing y. Backward: one read pass for the
/// per-channel sums (γ̄, β̄), one more for the groups' sums unless the groups are the channels
/// (batch normalisation), and one pass writing x̄. The statistics are shifted sums (x − x₀ with
/// x₀ the group's or the column's first element), added up in `T` over a run or a chunk of rows
/// and in `Double` beyond, so that a large mean does not cancel the variance.
///
/// Threads: the sums over rows are cut into chunks of a fixed number of rows (a function of the
/// layout only), each chunk summed alone and the chunks added in order; a group's sum is always
/// one thread's. The written passes are element by element. So 1 and 2 threads give identical bits.
enum NormalizationKernels<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    static func normalize(_ x: UnsafePointer<T>, _ scale: UnsafePointer<T>, _ shift: UnsafePointer<T>,
                          _ y: UnsafeMutablePointer<T>, _ statistics: UnsafeMutablePointer<T>,
                          _ layout: NormalizationLayout, _ epsilon: T, _ rectified: Bool) {
        let threads = threadCount(layout)
        if layout.groupsAreColumns {
            columnStatistics(x, statistics, layout, threads)
        } else {
            groupStatistics(x, statistics, layout, threads)
        }
        let pointers = Unchecked((x, scale, shift, y, UnsafePointer(statistics)))
        WorkerPool.shared.runChunks(of: layout.rows, threads: threads) { rows in
            let (x, scale, shift, y, statistics) = pointers.value
            forEachRowVector(rows, layout, { meanAndRstd(statistics, $0, layout, epsilon) }) { offset, c, count, terms in
                let value = (load(x + offset + c, count) - terms.0) * (terms.1 * load(scale + c, count)) + load(shift + c, count)
                store(rectified ? Vector.choosing(value, whereAboveZero: value, otherwise: Vector()) : value, y + offset + c, count)
            }
        }
    }

    static func normalizeGradient(_ gy: UnsafePointer<T>, _ x: UnsafePointer<T>, _ scale: UnsafePointer<T>,
                                  _ statistics: UnsafePointer<T>, _ layout: NormalizationLayout, _ epsilon: T,
                                  _ rectifiedOutput: UnsafePointer<T>?, _ gx: UnsafeMutablePointer<T>?, _ gScale: UnsafeMutablePointer<T>,
                                  _ gShift: UnsafeMutablePointer<T>) {
        let threads = threadCount(layout), channels = layout.channels
        // Per channel: Σ ḡ and Σ ḡ x̂ over every row.
        let channelSums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * channels)
        defer { channelSums.deallocate() }
        let pointers = Unchecked((gy, x, scale, statistics, rectifiedOutput))
        columnSums(layout, threads, into: channelSums) { rows, sums in
            let (gy, x, _, statistics, y) = pointers.value
            forEachRowVector(rows, layout, { meanAndRstd(statistics, $0, layout, epsilon) }) { offset, c, count, terms in
                let g = cotangent(gy, y, offset + c, count)
                accumulate(sums, channels, c, count, g, g * ((load(x + offset + c, count) - terms.0) * terms.1))
            }
        }
        for channel in 0..<channels {
            (gShift[channel], gScale[channel]) = (T(channelSums[channel]), T(channelSums[channels + channel]))
        }
        guard let gx else { return }

        // Per group: Σ h and Σ h x̂ with h = ḡ γ.
        let groupSums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * layout.groupCount)
        defer { groupSums.deallocate() }
        if layout.groupsAreColumns {
            for channel in 0..<channels {
                groupSums[channel] = Double(scale[channel]) * channelSums[channel]
                groupSums[channels + channel] = Double(scale[channel]) * channelSums[channels + channel]
            }
        } else {
            let output = Unchecked(groupSums)
            forEachGroup(layout, threads) { group, base in
                let (gy, x, scale, statistics, y) = pointers.value
                let (mean, rstd, _, _) = meanAndRstd(statistics, group, layout, epsilon)
                let (first, second) = sumRuns(layout) { run, c, count in
                    let h = cotangent(gy, y, base + run + c, count) * load(scale + base % channels + c, count)
                    return (h, h * ((load(x + base + run + c, count) - Vector(repeating: mean)) * Vector(repeating: rstd)))
                }
                (output.value[group], output.value[layout.groupCount + group]) = (first, second)
            }
        }

        // x̄ = ḡ (s γ) + (x − μ) (−s² mean(h x̂)) − s mean(h).
        let sums = Unchecked(UnsafePointer(groupSums))
        let target = Unchecked(gx)
        let size = Double(layout.groupSize)
        WorkerPool.shared.runChunks(of: layout.rows, threads: threads) { rows in
            let (gy, x, scale, statistics, y) = pointers.value
            let (gx, groupSums) = (target.value, sums.value)
            let groupTerms = { (group: Int) -> (T, T, T, T) in
                let (mean, rstd, _, _) = meanAndRstd(statistics, group, layout, epsilon)
                let (meanH, meanHNormalized) = (T(groupSums[group] / size), T(groupSums[layout.groupCount + group] / size))
                return (mean, rstd, -rstd * rstd * meanHNormalized, -rstd * meanH)
            }
            forEachRowVector(rows, layout, groupTerms) { offset, c, count, terms in
                let g = cotangent(gy, y, offset + c, count)
                let centered = load(x + offset + c, count) - terms.0
                store(g * (terms.1 * load(scale + c, count)) + centered * terms.2 + terms.3, gx + offset + c, count)
            }
        }
    }

    // MARK: Statistics

    /// Each group's mean and biased variance (batch normalisation's layout): shifted per-channel
    /// sums over the rows.
    static func columnStatistics(_ x: UnsafePointer<T>, _ statistics: UnsafeMutablePointer<T>,
                                 _ layout: NormalizationLayout, _ threads: Int) {
        let channels = layout.channels
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * channels)
        defer { sums.deallocate() }
        let input = Unchecked(x)
        columnSums(layout, threads, into: sums) { rows, sums in
            let x = input.value
            for row in rows {
                forEachVector(channels) { c, count in
                    let d = load(x + row * channels + c, count) - load(x + c, count)
                    accumulate(sums, channels, c, count, d, d * d)
                }
            }
        }
        for channel in 0..<channels {
            let (mean, variance) = moments(sums[channel], sums[channels + channel], count: layout.rows,
                                           shift: layout.rows > 0 ? x[channel] : 0)
            (statistics[channel], statistics[channels + channel]) = (mean, variance)
        }
    }

    /// Each group's mean and biased variance, one group at a time (layer and group normalisation).
    static func groupStatistics(_ x: UnsafePointer<T>, _ statistics: UnsafeMutablePointer<T>,
                                _ layout: NormalizationLayout, _ threads: Int) {
        let pointers = Unchecked((x, statistics))
        forEachGroup(layout, threads) { group, base in
            let (x, statistics) = pointers.value
            let shift = layout.groupSize > 0 ? x[base] : 0
            let (first, second) = sumRuns(layout) { run, c, count in
                let d = load(x + base + run + c, count, padding: shift) - Vector(repeating: shift)
                return (d, d * d)
            }
            (statistics[group], statistics[layout.groupCount + group]) = moments(first, second, count: layout.groupSize, shift: shift)
        }
    }

    /// The mean and the biased variance of `count` values from the sums of d and d² with d = x − `shift`
    /// (0 and 0 for no values).
    static func moments(_ first: Double, _ second: Double, count: Int, shift: T) -> (mean: T, variance: T) {
        guard count > 0 else { return (0, 0) }
        let meanShift = first / Double(count)
        return (shift + T(meanShift), T(Swift.max(second / Double(count) - meanShift * meanShift, 0)))
    }

    /// 1/√(σ² + ε), from lane 0 of a vector square root: a scalar `squareRoot()` here was left
    /// as a call to the standard library's C shim, a local copy of which each level module then
    /// compiled for its own instruction set, which `scripts/check-kernel-levels.py` cannot tell
    /// apart from one shared copy.
    @inline(__always)
    static func reciprocalDeviation(_ variance: T, _ epsilon: T) -> T {
        1 / T.Vector.squareRoot(T.Vector(repeating: variance + epsilon))[0]
    }

    /// The mean and 1/√(σ² + ε) of `group`, and two zeros: the terms of a row pass that needs
    /// nothing else.
    @inline(__always)
    static func meanAndRstd(_ statistics: UnsafePointer<T>, _ group: Int, _ layout: NormalizationLayout,
                            _ epsilon: T) -> (T, T, T, T) {
        (statistics[group], reciprocalDeviation(statistics[layout.groupCount + group], epsilon), 0, 0)
    }

    // MARK: Loops

    /// The `count` lanes of ḡ at `index`, zero where the rectified output `y` (if given) is not positive.
    @inline(__always)
    static func cotangent(_ gy: UnsafePointer<T>, _ y: UnsafePointer<T>?, _ index: Int, _ count: Int) -> Vector {
        let g = load(gy + index, count)
        guard let y else { return g }
        return Vector.choosing(g, whereAboveZero: load(y + index, count), otherwise: Vector())
    }

    /// Sums over the runs of the group at `base` (one run of `groupWidth` elements per position)
    /// of the two values `terms(run offset, c, lanes)` gives for the lanes at c, in `T` per run and
    /// in `Double` across runs.
    @inline(__always)
    static func sumRuns(_ layout: NormalizationLayout,
                        _ terms: (_ run: Int, _ c: Int, _ count: Int) -> (Vector, Vector)) -> (Double, Double) {
        var (first, second) = (0.0, 0.0)
        for position in 0..<layout.positions {
            var (a, b) = (Vector(), Vector())
            forEachVector(layout.groupWidth) { c, count in
                let (u, v) = terms(position * layout.channels, c, count)
                (a, b) = (a + u, b + v)
            }
            (first, second) = (first + Double(a.sum()), second + Double(b.sum()))
        }
        return (first, second)
    }

    /// Adds `u` and `v` to the per-channel sums at c (`T`, two rows of `channels`).
    @inline(__always)
    static func accumulate(_ sums: UnsafeMutablePointer<T>, _ channels: Int, _ c: Int, _ count: Int, _ u: Vector, _ v: Vector) {
        store(load(sums + c, count) + u, sums + c, count)
        store(load(sums + channels + c, count) + v, sums + channels + c, count)
    }

    /// Calls `body(offset of the row, c, lanes, terms)` for each vector of channels c of each of
    /// `rows`, with the four `groupTerms(group)` of each lane's group. Groups as wide as a vector
    /// take their terms as scalars (layer normalisation: nothing per channel to fill); narrower
    /// groups (batch normalisation) read them from per-channel arrays filled once per sample.
    @inline(__always)
    static func forEachRowVector(_ rows: Range<Int>, _ layout: NormalizationLayout, _ groupTerms: (_ group: Int) -> (T, T, T, T),
                                 _ body: (_ offset: Int, _ c: Int, _ count: Int, _ terms: (Vector, Vector, Vector, Vector)) -> Void) {
        let (channels, width) = (layout.channels, layout.groupWidth)
        if width >= Vector.scalarCount {
            for row in rows {
                let (sample, offset) = (row / layout.positions, row * channels)
                for group in 0..<layout.groups {
                    let t = groupTerms(sample * layout.groups + group)
                    let terms = (Vector(repeating: t.0), Vector(repeating: t.1), Vector(repeating: t.2), Vector(repeating: t.3))
                    forEachVector(width) { c, count in body(offset, group * width + c, count, terms) }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: T.self, capacity: Swift.max(4 * channels, 1)) { buffer in
            let terms = buffer.baseAddress!
            var sample = -1
            for row in rows {
                if row / layout.positions != sample {
                    sample = row / layout.positions
                    for group in 0..<layout.groups {
                        let t = groupTerms(sample * layout.groups + group)
                        for channel in group * width..<(group + 1) * width {
                            (terms[channel], terms[channels + channel]) = (t.0, t.1)
                            (terms[2 * channels + channel], terms[3 * channels + channel]) = (t.2, t.3)
                        }
                    }
                }
                forEachVector(channels) { c, count in
                    body(row * channels, c, count, (load(terms + c, count), load(terms + channels + c, count),
                                                    load(terms + 2 * channels + c, count), load(terms + 3 * channels + c, count)))
                }
            }
        }
    }

    /// The `count` lanes at `p` (a whole vector, or fewer with `padding` above).
    @inline(__always)
    static func load(_ p: UnsafePointer<T>, _ count: Int, padding: T = 0) -> Vector {
        count == Vector.scalarCount ? p.loadVector() : p.loadVector(count: count, padding: padding)
    }

    /// The `count` lanes at `p`.
    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<T>, _ count: Int) -> Vector { load(UnsafePointer(p), count) }

    /// Writes the first `count` lanes of `vector` at `p`.
    @inline(__always)
    static func store(_ vector: Vector, _ p: UnsafeMutablePointer<T>, _ count: Int) {
        if count == Vector.scalarCount { p.storeVector(vector) } else { p.storeVector(vector, count: count) }
    }

    /// Calls `body(c, count)` for each vector of `count` lanes starting at c, covering 0..<`size`
    /// (whole vectors, then one partial vector whose lanes past `count` are padding).
    @inline(__always)
    static func forEachVector(_ size: Int, _ body: (_ c: Int, _ count: Int) -> Void) {
        let width = Vector.scalarCount
        var c = 0
        while c < size {
            body(c, Swift.min(width, size - c))
            c += width
        }
    }

    // MARK: Partitions

    /// Every CPU the task may use for a large array, one otherwise.
    static func threadCount(_ layout: NormalizationLayout) -> Int {
        layout.rows * layout.channels >= KernelThreads.elementwiseParallelCount ? KernelThreads.current : 1
    }

    /// Rows per chunk of the sums over rows: about 16 Ki elements, whatever the thread count.
    static func chunkRows(_ layout: NormalizationLayout) -> Int { Swift.max(1, (1 << 14) / Swift.max(layout.channels, 1)) }

    /// Runs `body(group, offset of its first element)` for every group.
    static func forEachGroup(_ layout: NormalizationLayout, _ threads: Int,
                             _ body: @escaping @Sendable (_ group: Int, _ base: Int) -> Void) {
        WorkerPool.shared.runChunks(of: layout.groupCount, threads: threads) { groups in
            for group in groups {
                let (sample, inSample) = group.quotientAndRemainder(dividingBy: layout.groups)
                body(group, sample * layout.positions * layout.channels + inSample * layout.groupWidth)
            }
        }
    }

    /// Two sums per channel over every row into `result` (`Double`, two rows of `channels`):
    /// `accumulate(rows, sums)` adds a chunk's rows into zeroed `T` sums; the chunks' sums are
    /// added in chunk order.
    static func columnSums(_ layout: NormalizationLayout, _ threads: Int, into result: UnsafeMutablePointer<Double>,
                           _ accumulate: @escaping @Sendable (Range<Int>, UnsafeMutablePointer<T>) -> Void) {
        let width = 2 * layout.channels, chunk = chunkRows(layout)
        let chunks = (layout.rows + chunk - 1) / chunk
        let partials = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(chunks * width, 1))
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: chunks * width)
        let target = Unchecked(partials)
        WorkerPool.shared.run(parts: chunks, threads: threads) { part in
            accumulate(part * chunk..<Swift.min(layout.rows, (part + 1) * chunk), target.value + part * width)
        }
        result.initialize(repeating: 0, count: width)
        for part in 0..<chunks {
            for index in 0..<width { result[index] += Double(partials[part * width + index]) }
        }
    }
}
