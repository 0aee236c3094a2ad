import KernelSupport

/// Matrix multiplication `C = op(A)·op(B)` (or `C += …`) for one scalar type.
///
/// Blocking: B is packed in blocks of `kc` × `nc` (an L3-sized block, zero-padded to whole
/// vectors), except a small row-major B of whole panels, which the kernel reads in place; A is
/// read in place when its rows are contiguous or when it is a small transposed A, and packed in
/// `mc` × `kc` blocks otherwise (a large transposed A). A transposed B is packed by blocks
/// transposed in registers (LaneTranspose.swift). The macro-kernel walks C row panel by row panel: a panel of `mr`
/// rows of A (`kc` long) stays in L1 while the micro-kernel sweeps B's panels along the row,
/// so C is written sequentially. (The classic order, B's panel in L1 and A's panels streaming,
/// was slower at n ≥ 1024: it walks C down columns, whose tiles miss without the prefetch
/// instructions Swift cannot issue.)
///
/// Tiny products (m·n·k ≤ ``smallVolume``) take a plain FMA loop, without allocation; A·Bᵀ with
/// at most 16 columns takes dot products of rows (GemmDots.swift).
///
/// Every element of C is computed the same way whatever the split: FMAs from zero over each
/// `kc` block in k order, each block's sum then added to C. Threads take bands of whole tiles
/// of C, so the result does not depend on the number of threads.
enum Gemm<T: VectorKernelScalar> {
    typealias Vector = T.Vector
    typealias Panel = T.Panel

    /// Rows of a micro-tile: two tiles of six with AVX-512 (see GemmMicroKernel.swift).
    #if KERNELS_AVX512
    static var mr: Int { 12 }
    #else
    static var mr: Int { 6 }
    #endif
    /// Columns of a micro-tile: one panel (16 or 32 `Float`, see ``VectorKernelScalar``).
    static var nr: Int { Panel.scalarCount }
    /// Depth of a block: 2 KiB of scalars, so that a panel of `mr` rows of A (12 or 24 KiB) stays in L1.
    static var kc: Int { 2_048 / MemoryLayout<T>.stride }
    /// Rows of a packed A block (about 144 KiB, in L2), a multiple of `mr`.
    static var mc: Int { 147_456 / (kc * MemoryLayout<T>.stride) / mr * mr }
    /// Columns of a packed B block (about 4 MiB, in L3), a multiple of `nr`.
    static var nc: Int { 4_194_304 / (kc * MemoryLayout<T>.stride) / nr * nr }
    /// Products up to this many multiply-adds take the plain loop.
    static var smallVolume: Int { 4_096 }
    /// Products below this many multiply-adds (about 10 µs of work) stay on the calling thread.
    static var parallelVolume: Int { 1 << 19 }

    /// The kernel-table entry: runs on ``KernelThreads/current`` threads when large enough.
    static func multiply(_ operands: GemmOperands<T>) { multiply(operands, threaded: true) }

    /// One product, on ``KernelThreads/current`` threads when `threaded` and large enough, on
    /// the calling thread otherwise. On the calling thread, the blocked path works in `scratch`
    /// when given (``blockedScratchCount(_:prepacked:)`` scalars at least), in a buffer of its own otherwise.
    static func multiply(_ operands: GemmOperands<T>, threaded: Bool, scratch: UnsafeMutablePointer<T>? = nil) {
        let problem = GemmProblem(operands)
        let volume = problem.m * problem.n * problem.k
        if volume <= smallVolume {
            multiplySmall(problem)
        } else {
            multiply(problem, threads: threaded && volume >= parallelVolume ? KernelThreads.current : 1, scratch: scratch)
        }
    }

    /// `problem` split into bands of C, which the threads share out; each band
    /// takes the dot-product or the blocked path (the same choice for every band). Row bands of
    /// the blocked path go through B one packed block at a time. On one thread, the blocked
    /// path works in `scratch` when given.
    static func multiply(_ problem: GemmProblem<T>, threads: Int, scratch: UnsafeMutablePointer<T>? = nil) {
        let dots = prefersDots(problem)
        guard threads > 1 else { return dots ? multiplyDots(problem) : multiplyBlocked(problem, scratch: scratch) }
        guard !dots, splitsByRows(problem) else {
            let parts = bands(of: problem, threads: threads)
            return WorkerPool.shared.run(parts: parts.count, threads: threads) {
                dots ? multiplyDots(parts[$0]) : multiplyBlocked(parts[$0])
            }
        }
        // Row bands all read the whole of B. Block by block, each thread packs it once, into a
        // buffer of its own, for all the bands it runs. (One packing shared by the threads is
        // read across cores, which is slow when the host runs them on cores with separate L3
        // caches.)
        let rows = WorkerPool.guidedChunks(of: problem.m, granularity: mr, threads: threads)
        let participants = min(threads, WorkerPool.shared.threadLimit)
        let length = min(kc, problem.k) * min(nc, roundedUp(problem.n, nr))
        let buffers = alignedBuffer(T.self, count: length * participants)
        let isPacked = UnsafeMutableBufferPointer<Bool>.allocate(capacity: participants)
        defer { buffers.deallocate(); isPacked.deallocate() }
        let scratch = Unchecked((buffers, isPacked))
        forEachBlock(of: problem) { block in
            let parts = rows.map(block.rows)
            isPacked.initialize(repeating: false)   // Bool is trivial: re-initialising is fine
            WorkerPool.shared.run(parts: parts.count, threads: threads) { part, participant in
                let (buffers, isPacked) = scratch.value, packed = buffers + participant * length
                if !isPacked[participant] {
                    packB(block.b, depth: block.k, columns: block.n, into: packed)
                    isPacked[participant] = true
                }
                multiplyBlocked(parts[part], packedB: packed)
            }
        }
    }

    /// Calls `body` with each block of `problem` over one packed block of B (`nc` columns, `kc`
    /// deep; ``GemmProblem/block(columns:depth:)``), columns outer and depth inner.
    @inline(__always)
    static func forEachBlock(of problem: GemmProblem<T>, _ body: (GemmProblem<T>) -> Void) {
        for jc in stride(from: 0, to: problem.n, by: nc) {
            for pc in stride(from: 0, to: problem.k, by: kc) {
                body(problem.block(columns: jc..<min(problem.n, jc + nc), depth: pc..<min(problem.k, pc + kc)))
            }
        }
    }

    /// Whether ``bands(of:threads:)`` cuts `problem` into row bands: when C is taller than wide,
    /// or when A is at least as large as a packed B block (4 MiB of `Float`). Each column band
    /// reads the whole of A, and an A that large comes from L3 or memory each time, so row bands
    /// measured faster there (n = 1024 and 2048 on 2 threads). Column bands otherwise: each
    /// thread then packs only its share of B, as fast or ahead while A stays in cache (n = 768,
    /// and the MLP's 256 × 784 · 784 × 256).
    static func splitsByRows(_ problem: GemmProblem<T>) -> Bool {
        problem.m > problem.n || problem.m * problem.k >= kc * nc
    }

    /// Bands of whole tiles, by rows or by columns (``splitsByRows(_:)``), largest first
    /// (``WorkerPool/guidedChunks(of:granularity:threads:)``).
    static func bands(of problem: GemmProblem<T>, threads: Int) -> [GemmProblem<T>] {
        let byRows = splitsByRows(problem)
        let (extent, unit) = byRows ? (problem.m, mr) : (problem.n, nr)
        return WorkerPool.guidedChunks(of: extent, granularity: unit, threads: threads).map {
            byRows ? problem.rows($0) : problem.columns($0)
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

    /// Largest B (in bytes) that the kernel reads in place, unpacked: whole panels of a row-major
    /// B this small stay in L1 and L2 through the product, so packing them (8 % of a batch of
    /// attention's 128 × 128 × 32 products in a profile) buys nothing.
    static var inPlaceBBytes: Int { 32_768 }

    /// Whether the kernel reads `p`'s B in place: row-major, whole panels wide, small, one block.
    static func readsBInPlace(_ p: GemmProblem<T>) -> Bool {
        p.b.columnStride == 1 && p.n % nr == 0 && p.k <= kc && p.k * p.n * MemoryLayout<T>.stride <= inPlaceBBytes
    }

    /// Largest transposed A (in bytes) that the kernel reads in place: each step's `mr` values
    /// are contiguous, as in a packed panel, and an A this small stays in L2 through the product,
    /// so packing it (a scalar copy of every element) buys nothing. 64 KiB takes attention's
    /// 128 × 128 Aᵀ (at 32 KiB, its batched products ran at 0.75× the speed).
    static var inPlaceTransposedABytes: Int { 65_536 }

    /// Whether the kernel reads `p`'s A in place: row-major, or transposed, small and one block deep.
    static func readsAInPlace(_ p: GemmProblem<T>) -> Bool {
        p.a.columnStride == 1
            || p.a.rowStride == 1 && p.k <= kc && p.m * p.k * MemoryLayout<T>.stride <= inPlaceTransposedABytes
    }

    /// Columns of the packed B block that ``multiplyBlocked(_:packedB:scratch:)`` keeps in its
    /// scratch: none when B comes `prepacked` or is read in place.
    static func packedBWidth(_ p: GemmProblem<T>, prepacked: Bool) -> Int {
        prepacked || readsBInPlace(p) ? 0 : min(nc, roundedUp(p.n, nr))
    }

    /// Scalars of scratch that ``multiplyBlocked(_:packedB:scratch:)`` needs for `p`: a packed B
    /// block (``packedBWidth(_:prepacked:)``) and a packed A block, or one edge panel of an A
    /// read in place. Products of the same shape and strides need the same.
    static func blockedScratchCount(_ p: GemmProblem<T>, prepacked: Bool = false) -> Int {
        min(kc, p.k) * (packedBWidth(p, prepacked: prepacked) + (readsAInPlace(p) ? mr : min(mc, roundedUp(p.m, mr))))
    }

    /// The blocked product on the calling thread (m, n and k at least 1). With `prepacked`, B is
    /// a single block (k ≤ `kc`, n ≤ `nc`) already packed there by ``packB(_:depth:columns:into:)``.
    /// Packed blocks go to `scratch` when given (``blockedScratchCount(_:prepacked:)`` scalars),
    /// to a buffer allocated for the call otherwise.
    static func multiplyBlocked(_ p: GemmProblem<T>, packedB prepacked: UnsafePointer<T>? = nil,
                                scratch given: UnsafeMutablePointer<T>? = nil) {
        let inPlace = readsAInPlace(p)
        let bInPlace = prepacked == nil && readsBInPlace(p)
        let scratch = given ?? alignedBuffer(T.self, count: blockedScratchCount(p, prepacked: prepacked != nil))
        defer { if given == nil { scratch.deallocate() } }
        let packedB = prepacked ?? UnsafePointer(scratch)
        let packedA = scratch + min(kc, p.k) * packedBWidth(p, prepacked: prepacked != nil)

        forEachBlock(of: p) { block in
            if prepacked == nil && !bInPlace { packB(block.b, depth: block.k, columns: block.n, into: scratch) }
            for ic in stride(from: 0, to: p.m, by: inPlace ? p.m : mc) {
                let height = min(inPlace ? p.m : mc, p.m - ic)
                let a = block.a.offset(row: ic, column: 0)
                let b = bInPlace ? BPanels(base: block.b.base, rowStride: block.b.rowStride, panelStride: nr)
                                 : BPanels(base: packedB, rowStride: nr, panelStride: nr * block.k)
                let tiles = Block(b: b, c: block.c + ic * p.ldc, ldc: p.ldc,
                                  height: height, width: block.n, depth: block.k, adding: block.accumulate)
                if inPlace {
                    tiles.multiply(a, panelStride: mr * a.rowStride, edgePanel: packedA)
                } else {
                    tiles.multiply(packA(a, rows: height, depth: block.k, into: packedA), panelStride: mr * block.k,
                                   edgePanel: nil)
                }
            }
        }
    }

    /// `value` rounded up to a multiple of `unit`.
    static func roundedUp(_ value: Int, _ unit: Int) -> Int { (value + unit - 1) / unit * unit }

    /// Where the kernel reads B's panels of `nr` columns: panel q starts at base + q · panelStride
    /// and its rows are `rowStride` apart (packed: `nr` and `nr` · depth; in place: B's row
    /// stride and `nr`).
    struct BPanels {
        let base: UnsafePointer<T>
        let rowStride: Int, panelStride: Int
    }

    /// One `height` × `width` block of C against one `depth`-long block of B.
    struct Block {
        let b: BPanels
        let c: UnsafeMutablePointer<T>
        let ldc: Int, height: Int, width: Int, depth: Int
        let adding: Bool

        /// Every tile, row panel by row panel: panel q of A is `a` moved by q · `panelStride`.
        /// With an `edgePanel` buffer, A is read in place and a last, partial panel is first
        /// packed there with zero rows (the kernel always reads `mr` rows).
        func multiply(_ a: StridedMatrix<T>, panelStride: Int, edgePanel: UnsafeMutablePointer<T>?) {
            let fullRows = edgePanel == nil ? height : height / mr * mr
            var panel = a
            for ir in stride(from: 0, to: height, by: mr) {
                if ir == fullRows, let edgePanel {
                    panel = packA(a.offset(row: ir, column: 0), rows: height - ir, depth: depth, into: edgePanel)
                }
                for (q, jr) in stride(from: 0, to: width, by: nr).enumerated() {
                    kernel(depth: depth, a: panel, b: b.base + q * b.panelStride, bRowStride: b.rowStride, c: c + ir * ldc + jr,
                           ldc: ldc, rows: min(mr, height - ir), columns: min(nr, width - jr), adding: adding)
                }
                panel.base += panelStride
            }
        }
    }
}
