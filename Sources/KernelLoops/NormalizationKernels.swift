import KernelSupport

/// The `normalize` and `normalizeGradient` table entries: y = γ x̂ + β with x̂ = (x − μ) · s,
/// s = 1/√(σ² + ε), μ and σ² (biased) per group of a ``NormalizationLayout``, and its pullback
/// x̄ = s (h − mean(h) − x̂ mean(h x̂)) with h = ḡ γ, γ̄ = Σ ḡ x̂, β̄ = Σ ḡ.
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
                          _ layout: NormalizationLayout, _ epsilon: T) {
        let threads = threadCount(layout)
        if layout.groupsAreColumns {
            columnStatistics(x, statistics, layout, threads)
        } else {
            groupStatistics(x, statistics, layout, threads)
        }
        let pointers = Unchecked((x, scale, shift, y, UnsafePointer(statistics)))
        forEachRowChunk(layout, threads, coefficients: 2) { rows, coefficients in
            let (x, scale, shift, y, statistics) = pointers.value
            let (mean, factor) = (coefficients, coefficients + layout.channels)
            var sample = -1
            for row in rows {
                if row / layout.positions != sample {
                    sample = row / layout.positions
                    fillChannels(sample, statistics, layout, epsilon) { channel, groupMean, rstd in
                        mean[channel] = groupMean
                        factor[channel] = rstd * scale[channel]
                    }
                }
                let offset = row * layout.channels
                mapRow(layout.channels, y + offset) { c, count in
                    (load(x + offset + c, count) - load(mean + c, count))
                        * load(factor + c, count) + load(shift + c, count)
                }
            }
        }
    }

    static func normalizeGradient(_ gy: UnsafePointer<T>, _ x: UnsafePointer<T>, _ scale: UnsafePointer<T>,
                                  _ statistics: UnsafePointer<T>, _ layout: NormalizationLayout, _ epsilon: T,
                                  _ gx: UnsafeMutablePointer<T>?, _ gScale: UnsafeMutablePointer<T>,
                                  _ gShift: UnsafeMutablePointer<T>) {
        let threads = threadCount(layout), channels = layout.channels
        // Per channel: Σ ḡ and Σ ḡ x̂ over every row.
        let channelSums = UnsafeMutablePointer<Double>.allocate(capacity: 2 * channels)
        defer { channelSums.deallocate() }
        let pointers = Unchecked((gy, x, scale, statistics))
        columnSums(layout, threads, into: channelSums) { rows, sums in
            let (gy, x, _, statistics) = pointers.value
            withCoefficients(2 * channels) { coefficients in
                let (mean, rstd) = (coefficients, coefficients + channels)
                var sample = -1
                for row in rows {
                    if row / layout.positions != sample {
                        sample = row / layout.positions
                        fillChannels(sample, statistics, layout, epsilon) { channel, groupMean, groupRstd in
                            (mean[channel], rstd[channel]) = (groupMean, groupRstd)
                        }
                    }
                    let offset = row * channels
                    accumulateRow(channels, sums) { c, count in
                        let g = load(gy + offset + c, count)
                        let normalized = (load(x + offset + c, count) - load(mean + c, count))
                            * load(rstd + c, count)
                        return (g, g * normalized)
                    }
                }
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
                let (gy, x, scale, statistics) = pointers.value
                let (mean, rstd) = (statistics[group], reciprocalDeviation(statistics[layout.groupCount + group], epsilon))
                let (first, second) = sumRuns(layout) { run, c, count in
                    let h = load(gy + base + run + c, count) * load(scale + base % channels + c, count)
                    return (h, h * ((load(x + base + run + c, count) - Vector(repeating: mean)) * Vector(repeating: rstd)))
                }
                (output.value[group], output.value[layout.groupCount + group]) = (first, second)
            }
        }

        // x̄ = ḡ · (s γ) + (x − μ) · (−s² mean(h x̂)) − s mean(h), coefficients per channel.
        let sums = Unchecked(UnsafePointer(groupSums))
        let target = Unchecked(gx)
        let size = T(layout.groupSize)
        forEachRowChunk(layout, threads, coefficients: 4) { rows, coefficients in
            let (gy, x, scale, statistics) = pointers.value
            let (gx, groupSums) = (target.value, sums.value)
            let (mean, factor, slope, offsetTerm) = (coefficients, coefficients + channels,
                                                     coefficients + 2 * channels, coefficients + 3 * channels)
            var sample = -1
            for row in rows {
                if row / layout.positions != sample {
                    sample = row / layout.positions
                    fillChannels(sample, statistics, layout, epsilon) { channel, groupMean, rstd in
                        let group = sample * layout.groups + channel / layout.groupWidth
                        let meanH = T(groupSums[group]) / size
                        let meanHNormalized = T(groupSums[layout.groupCount + group]) / size
                        mean[channel] = groupMean
                        factor[channel] = rstd * scale[channel]
                        slope[channel] = -rstd * rstd * meanHNormalized
                        offsetTerm[channel] = -rstd * meanH
                    }
                }
                let offset = row * channels
                mapRow(channels, gx + offset) { c, count in
                    let g = load(gy + offset + c, count)
                    let centered = load(x + offset + c, count) - load(mean + c, count)
                    return g * load(factor + c, count) + centered * load(slope + c, count)
                        + load(offsetTerm + c, count)
                }
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
            accumulateRows(rows, channels, sums) { row, c, count in
                let d = load(x + row * channels + c, count) - load(x + c, count)
                return (d, d * d)
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

    /// 1/√(σ² + ε).
    @inline(__always)
    static func reciprocalDeviation(_ variance: T, _ epsilon: T) -> T { 1 / (variance + epsilon).squareRoot() }

    /// Calls `body(channel, μ, s)` for every channel of `sample`, with its group's mean and 1/√(σ² + ε).
    @inline(__always)
    static func fillChannels(_ sample: Int, _ statistics: UnsafePointer<T>, _ layout: NormalizationLayout, _ epsilon: T,
                             _ body: (_ channel: Int, _ mean: T, _ rstd: T) -> Void) {
        for group in 0..<layout.groups {
            let index = sample * layout.groups + group
            let (mean, rstd) = (statistics[index], reciprocalDeviation(statistics[layout.groupCount + index], epsilon))
            for channel in group * layout.groupWidth..<(group + 1) * layout.groupWidth { body(channel, mean, rstd) }
        }
    }

    // MARK: Loops

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

    /// Adds `terms(row, c, lanes)` to the per-channel sums (`T`, two rows of `channels`) for each row.
    @inline(__always)
    static func accumulateRows(_ rows: Range<Int>, _ channels: Int, _ sums: UnsafeMutablePointer<T>,
                               _ terms: (_ row: Int, _ c: Int, _ count: Int) -> (Vector, Vector)) {
        for row in rows { accumulateRow(channels, sums) { c, count in terms(row, c, count) } }
    }

    /// Adds `terms(c, lanes)` to the per-channel sums (`T`, two rows of `channels`).
    @inline(__always)
    static func accumulateRow(_ channels: Int, _ sums: UnsafeMutablePointer<T>,
                              _ terms: (_ c: Int, _ count: Int) -> (Vector, Vector)) {
        forEachVector(channels) { c, count in
            let (u, v) = terms(c, count)
            store(load(sums + c, count) + u, sums + c, count)
            store(load(sums + channels + c, count) + v, sums + channels + c, count)
        }
    }

    /// Writes `value(c, lanes)` to the `channels` elements at `y`, a vector at a time.
    @inline(__always)
    static func mapRow(_ channels: Int, _ y: UnsafeMutablePointer<T>, _ value: (_ c: Int, _ count: Int) -> Vector) {
        forEachVector(channels) { c, count in store(value(c, count), y + c, count) }
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

    /// Runs `body(rows, scratch)` on chunks covering the rows, with `coefficients` rows of
    /// `channels` scalars of scratch per call.
    static func forEachRowChunk(_ layout: NormalizationLayout, _ threads: Int, coefficients: Int,
                                _ body: @escaping @Sendable (Range<Int>, UnsafeMutablePointer<T>) -> Void) {
        WorkerPool.shared.runChunks(of: layout.rows, threads: threads) { rows in
            withCoefficients(coefficients * layout.channels) { body(rows, $0) }
        }
    }

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

    /// Runs `body` with `count` scalars of scratch.
    @inline(__always)
    static func withCoefficients(_ count: Int, _ body: (UnsafeMutablePointer<T>) -> Void) {
        withUnsafeTemporaryAllocation(of: T.self, capacity: Swift.max(count, 1)) { body($0.baseAddress!) }
    }
}
