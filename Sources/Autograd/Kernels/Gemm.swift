/// Matrix multiplication `C = op(A)·op(B)` (or `C += …`) for one scalar type, BLIS-style:
/// B is packed in blocks of `kc` × `nc` (sized for L3), A in blocks of `mc` × `kc` (L2), and the
/// micro-kernel multiplies a 6 × NR tile with one `kc`-long panel of each (B's in L1).
///
/// Paths, chosen by shape only (never by thread count):
/// - tiny products (m·n·k ≤ ``smallVolume``): a plain FMA loop, no packing, no allocation;
/// - thin products (n ≤ ``thinWidth``): A is read in place, only B is packed;
/// - otherwise both operands are packed.
///
/// Every element of C is computed the same way on every path split: FMAs from zero over each
/// `kc` block in k order, each block's sum then added to C. Threads split C into row (or column)
/// bands, so the result does not depend on the number of threads.
enum Gemm<T: VectorKernelScalar> {
    typealias Vector = T.Vector

    /// Rows of a micro-tile.
    static var mr: Int { 6 }
    /// Columns of a micro-tile: one vector.
    static var nr: Int { Vector.scalarCount }
    /// Depth of a packed block: a `kc` × NR panel of B is 16 KiB, half of L1.
    static var kc: Int { 256 }
    /// Rows of a packed A block (about 144 KiB, in L2), a multiple of `mr`.
    static var mc: Int { 147_456 / (kc * MemoryLayout<T>.stride) / mr * mr }
    /// Columns of a packed B block (about 4 MiB, in L3).
    static var nc: Int { 4_194_304 / (kc * MemoryLayout<T>.stride) }
    /// Products up to this many multiply-adds take the plain loop.
    static var smallVolume: Int { 4_096 }
    /// Products at or below this width read A in place: packing A would cost more than it saves.
    static var thinWidth: Int { 32 }
    /// Products below this many multiply-adds (about 10 µs of work) stay on the calling thread.
    static var parallelVolume: Int { 1 << 19 }

    /// The kernel-table entry: runs on ``ComputeThreads/current`` threads when large enough.
    static func multiply(_ operands: GemmOperands<T>) {
        let problem = GemmProblem(operands)
        let volume = problem.m * problem.n * problem.k
        if volume <= smallVolume {
            multiplySmall(problem)
        } else {
            multiply(problem, threads: volume >= parallelVolume ? ComputeThreads.current : 1)
        }
    }

    /// `problem` split into bands of C, one per thread, run on the worker pool.
    static func multiply(_ problem: GemmProblem<T>, threads: Int) {
        let parts = bands(of: problem, count: threads)
        if parts.count == 1 {
            multiplyBlocked(problem)
        } else {
            WorkerPool.shared.run(parts: parts.count) { multiplyBlocked(parts[$0]) }
        }
    }

    /// Up to `count` bands of whole tiles: row bands when C is at least as tall as wide (or thin),
    /// column bands otherwise.
    static func bands(of problem: GemmProblem<T>, count: Int) -> [GemmProblem<T>] {
        let byRows = problem.m >= problem.n || problem.n <= thinWidth
        let (extent, unit) = byRows ? (problem.m, mr) : (problem.n, nr)
        let parts = max(1, min(count, (extent + unit - 1) / unit))
        guard parts > 1 else { return [problem] }
        return (0..<parts).map { part in
            let range = WorkerPool.chunk(part, of: parts, count: extent, granularity: unit)
            return byRows ? problem.rows(range) : problem.columns(range)
        }
    }

    /// Tiny products: one FMA chain per element of C, straight from the operands.
    static func multiplySmall(_ p: GemmProblem<T>) {
        for i in 0..<p.m {
            for j in 0..<p.n {
                var sum: T = 0
                for q in 0..<p.k { sum = sum.addingProduct(p.a[i, q], p.b[q, j]) }
                let c = p.c + i * p.ldc + j
                c.pointee = p.accumulate ? c.pointee + sum : sum
            }
        }
    }

    /// The blocked product on the calling thread (m, n and k at least 1).
    static func multiplyBlocked(_ p: GemmProblem<T>) {
        let inPlace = p.n <= thinWidth
        let depthBlock = min(kc, p.k)
        let widthBlock = min(nc, roundedUp(p.n, nr))
        let heightBlock = inPlace ? mr : min(mc, roundedUp(p.m, mr))
        let count = depthBlock * (widthBlock + heightBlock)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: count)
        defer { scratch.deallocate() }
        let packedB = scratch, packedA = scratch + depthBlock * widthBlock

        for jc in stride(from: 0, to: p.n, by: nc) {
            let width = min(nc, p.n - jc)
            for pc in stride(from: 0, to: p.k, by: kc) {
                let depth = min(kc, p.k - pc)
                packB(p.b.offset(row: pc, column: jc), depth: depth, columns: width, into: packedB)
                let adding = p.accumulate || pc > 0
                for ic in stride(from: 0, to: p.m, by: mc) {
                    let block = Block(a: p.a.offset(row: ic, column: pc), packedB: packedB, c: p.c + ic * p.ldc + jc,
                                      ldc: p.ldc, height: min(mc, p.m - ic), width: width, depth: depth, adding: adding)
                    if inPlace {
                        block.multiplyInPlace(edgePanel: packedA)
                    } else {
                        packA(block.a, rows: block.height, depth: depth, into: packedA)
                        block.multiplyPacked(packedA)
                    }
                }
            }
        }
    }

    /// `value` rounded up to a multiple of `unit`.
    static func roundedUp(_ value: Int, _ unit: Int) -> Int { (value + unit - 1) / unit * unit }

    /// One `height` × `width` block of C against one `depth`-long block of packed B.
    struct Block {
        let a: StridedMatrix<T>
        let packedB: UnsafeMutablePointer<T>
        let c: UnsafeMutablePointer<T>
        let ldc: Int, height: Int, width: Int, depth: Int
        let adding: Bool

        /// Every tile from packed A: B's panel stays in L1 while A's panels stream from L2.
        func multiplyPacked(_ packedA: UnsafeMutablePointer<T>) {
            for jr in stride(from: 0, to: width, by: nr) {
                for ir in stride(from: 0, to: height, by: mr) {
                    packedKernel(depth: depth, a: packedA + ir * depth, b: packedB + jr * depth, c: c + ir * ldc + jr,
                                 ldc: ldc, rows: min(mr, height - ir), columns: min(nr, width - jr), adding: adding)
                }
            }
        }

        /// Whole 6-row panels read A in place (each reused across B's few panels); a last,
        /// partial panel is packed into `edgePanel` with zero rows.
        func multiplyInPlace(edgePanel: UnsafeMutablePointer<T>) {
            let fullRows = height / mr * mr
            if fullRows < height { packA(a.offset(row: fullRows, column: 0), rows: height - fullRows, depth: depth, into: edgePanel) }
            for ir in stride(from: 0, to: height, by: mr) {
                for jr in stride(from: 0, to: width, by: nr) {
                    let (b, target, columns) = (packedB + jr * depth, c + ir * ldc + jr, min(nr, width - jr))
                    if ir < fullRows {
                        inPlaceKernel(depth: depth, a: a.offset(row: ir, column: 0), b: b, c: target,
                                      ldc: ldc, columns: columns, adding: adding)
                    } else {
                        packedKernel(depth: depth, a: edgePanel, b: b, c: target,
                                     ldc: ldc, rows: height - ir, columns: columns, adding: adding)
                    }
                }
            }
        }
    }
}
