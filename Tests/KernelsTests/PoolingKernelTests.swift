import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline

/// One pooling shape for the kernel tests.
struct PoolingCase: CustomTestStringConvertible, Sendable {
    var batch: Int, height: Int, width: Int, channels: Int
    var window: (height: Int, width: Int)
    var strides: (height: Int, width: Int)
    var padding: Margins = .zero

    var geometry: PoolingGeometry {
        PoolingGeometry(window: SlidingWindow(batch: batch, height: height, width: width, window: window,
                                              strides: strides, padding: padding),
                        channels: channels)
    }

    var testDescription: String {
        "\(batch)×\(height)×\(width)×\(channels), \(window.height)×\(window.width) window, strides \(strides), \(padding)"
    }
}

@Suite("Fast pooling kernels against the reference loops: bit-identical, on 1, 2 and 3 threads")
struct PoolingKernelTests {
    static let cases: [PoolingCase] = [
        PoolingCase(batch: 3, height: 8, width: 8, channels: 32, window: (2, 2), strides: (2, 2)),
        PoolingCase(batch: 1, height: 9, width: 7, channels: 5, window: (3, 2), strides: (2, 1),
                    padding: Margins(top: 2, bottom: 0, left: 1, right: 1)),
        PoolingCase(batch: 3, height: 5, width: 5, channels: 17, window: (3, 3), strides: (2, 2), padding: .symmetric(1)),
        PoolingCase(batch: 1, height: 1, width: 1, channels: 33, window: (1, 1), strides: (1, 1)),
        PoolingCase(batch: 3, height: 7, width: 9, channels: 3, window: (4, 4), strides: (1, 3)),
        PoolingCase(batch: 1, height: 5, width: 9, channels: 1, window: (2, 3), strides: (1, 1),
                    padding: Margins(top: 0, bottom: 1, left: 2, right: 0)),
    ]

    @Test("the cases cover both average-gradient paths: windows that tile the input, and overlapping or padded ones")
    func casesCoverBothGradientPaths() {
        let tiling = Self.cases.filter { $0.geometry.window.tilesInput }.map(\.testDescription)
        #expect(tiling == [Self.cases[0].testDescription, Self.cases[3].testDescription])
    }

    @Test("Float", arguments: cases)
    func float(_ shape: PoolingCase) { Self.compare(Float.self, shape, using: .baseline(Float.self)) }

    @Test("Double", arguments: cases)
    func double(_ shape: PoolingCase) { Self.compare(Double.self, shape, using: .baseline(Double.self)) }

    @Test("Float and Double, every instruction-set level's table", arguments: runnableLevels, cases)
    func levels(_ level: KernelLevel, _ shape: PoolingCase) {
        Self.compare(Float.self, shape, using: .table(level.table(Float.self)))
        Self.compare(Double.self, shape, using: .table(level.table(Double.self)))
    }

    /// The fast kernels under test, and the thread counts they run on.
    struct FastKernels<T> {
        var pool: (PoolingKernel, UnsafePointer<T>, UnsafeMutablePointer<T>, PoolingGeometry, Int) -> Void
        var poolGradient: (PoolingGradientKernel, UnsafePointer<T>, UnsafeMutablePointer<T>, PoolingGeometry, Int) -> Void
        var threads: ClosedRange<Int>

        /// The baseline module's kernels, on an explicit number of threads (even for small shapes).
        static func baseline(_: T.Type) -> FastKernels where T: VectorKernelScalar {
            FastKernels(pool: PoolingKernels<T>.pool, poolGradient: PoolingKernels<T>.poolGradient, threads: 1...3)
        }

        /// A table's entries (on one thread: the test shapes are below the threshold for more).
        static func table(_ table: KernelTable<T>) -> FastKernels {
            FastKernels(pool: { operation, x, y, g, _ in table.pool(operation, x, y, g) },
                        poolGradient: { operation, gy, gx, g, _ in table.poolGradient(operation, gy, gx, g) },
                        threads: 1...1)
        }
    }

    /// Each operation of the fast kernels against the reference, on inputs with many ties (small
    /// integers) and a few NaNs (which max pooling must route as the reference does).
    static func compare<T: VectorKernelScalar>(_: T.Type, _ shape: PoolingCase, using fast: FastKernels<T>) {
        let g = shape.geometry
        let (inputs, outputs) = (g.inputShape.elementCount, g.outputShape.elementCount)
        var generator = SeededGenerator(seed: 99)
        var x = (0..<inputs).map { _ in T(Int.random(in: -2...2, using: &generator)) }
        for i in stride(from: 3, to: inputs, by: 11) { x[i] = .nan }
        let gy = (0..<outputs).map { _ in T.random(in: -1..<1, using: &generator) }

        let referenceRoutes = UnsafeMutablePointer<Int>.allocate(capacity: outputs)
        let routes = UnsafeMutablePointer<Int>.allocate(capacity: outputs)
        defer { referenceRoutes.deallocate(); routes.deallocate() }
        let referenceMaximum = run(outputs) { ReferenceKernels<T>.pool(.maximum(routes: referenceRoutes), x, $0, g) }
        let fixed = UnsafePointer(referenceRoutes)
        for threads in fast.threads {
            let context = "\(threads) threads"
            expectIdentical(run(outputs) { fast.pool(.maximum(routes: routes), x, $0, g, threads) },
                            referenceMaximum, "maximum, \(context)")
            let wrongRoute = (0..<outputs).first { routes[$0] != fixed[$0] }
            #expect(wrongRoute == nil, "routes, \(context): first difference at \(wrongRoute ?? -1)")
            expectIdentical(run(outputs) { fast.pool(.gather(routes: fixed), x, $0, g, threads) },
                            run(outputs) { ReferenceKernels<T>.pool(.gather(routes: fixed), x, $0, g) }, "gather, \(context)")
            expectIdentical(run(outputs) { fast.pool(.average, x, $0, g, threads) },
                            run(outputs) { ReferenceKernels<T>.pool(.average, x, $0, g) }, "average, \(context)")
            expectIdentical(run(inputs) { fast.poolGradient(.average, gy, $0, g, threads) },
                            run(inputs) { ReferenceKernels<T>.poolGradient(.average, gy, $0, g) },
                            "average gradient, \(context)")
            expectIdentical(run(inputs) { fast.poolGradient(.scatter(routes: fixed), gy, $0, g, threads) },
                            run(inputs) { ReferenceKernels<T>.poolGradient(.scatter(routes: fixed), gy, $0, g) },
                            "scatter, \(context)")
        }
    }

    /// The `count` elements `kernel` writes.
    static func run<T>(_ count: Int, _ kernel: (UnsafeMutablePointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            kernel(buffer.baseAddress!)
            initialized = count
        }
    }

    /// Expects the same bits in both arrays (NaNs included).
    static func expectIdentical<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], _ what: String) {
        let mismatch = zip(a, b).enumerated().first { !($1.0 == $1.1 || ($1.0.isNaN && $1.1.isNaN)) }?.offset
        #expect(a.count == b.count && mismatch == nil, "\(what): first difference at \(mismatch.map(String.init) ?? "-")")
    }
}
