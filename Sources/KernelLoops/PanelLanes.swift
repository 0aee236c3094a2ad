/// What a row of a micro-kernel's register tile computes on (GEMM, convolution): a vector of
/// lanes with fused multiply-add, read and written whole through raw memory.
///
/// `Float`'s panel is one `SIMD16<Float>`, or a ``FloatPanelPair`` of two with AVX-512. (The
/// standard library's `SIMD32<Float>` is no substitute: its arithmetic compiles to loops over
/// lanes, a few hundred times slower in the GEMM.)
protocol PanelLanes: ElementwiseLanes {
    /// Lanes in a panel.
    static var scalarCount: Int { get }
    /// Every lane zero.
    static var zero: Self { get }
    /// Lane `index`.
    subscript(index: Int) -> Element { get }
    /// self + a·b in every lane, rounded once.
    func addingProduct(_ a: Self, _ b: Self) -> Self
}

extension SIMD16: PanelLanes where Scalar == Float {}
extension SIMD8: PanelLanes where Scalar == Double {}

/// Two `SIMD16<Float>` as one 32-lane panel: lanes 0..<16 in `low`, 16..<32 in `high`, each
/// half one 512-bit register with AVX-512. Every operation runs on the halves, lane by lane,
/// so a lane's result is the one its `SIMD16` would give.
struct FloatPanelPair: PanelLanes {
    typealias Element = Float
    typealias Half = SIMD16<Float>
    var low: Half, high: Half

    @inline(__always) init(low: Half, high: Half) { (self.low, self.high) = (low, high) }
    @inline(__always) init(repeating value: Float) { self.init(low: Half(repeating: value), high: Half(repeating: value)) }

    static var scalarCount: Int { 2 * Half.scalarCount }
    static var zero: Self { Self(repeating: 0) }

    subscript(index: Int) -> Float {
        @inline(__always) get { index < Half.scalarCount ? low[index] : high[index - Half.scalarCount] }
    }

    @inline(__always)
    func addingProduct(_ a: Self, _ b: Self) -> Self {
        Self(low: low.addingProduct(a.low, b.low), high: high.addingProduct(a.high, b.high))
    }

    /// `operation` on both halves.
    @inline(__always)
    private static func halves(_ x: Self, _ y: Self, _ operation: (Half, Half) -> Half) -> Self {
        Self(low: operation(x.low, y.low), high: operation(x.high, y.high))
    }

    @inline(__always) static func + (lhs: Self, rhs: Self) -> Self { halves(lhs, rhs, +) }
    @inline(__always) static func - (lhs: Self, rhs: Self) -> Self { halves(lhs, rhs, -) }
    @inline(__always) static func * (lhs: Self, rhs: Self) -> Self { halves(lhs, rhs, *) }
    @inline(__always) static func / (lhs: Self, rhs: Self) -> Self { halves(lhs, rhs, /) }
    @inline(__always) static prefix func - (operand: Self) -> Self { Self(low: -operand.low, high: -operand.high) }

    @inline(__always)
    static func choosing(_ positive: Self, whereAboveZero x: Self, otherwise: Self) -> Self {
        Self(low: .choosing(positive.low, whereAboveZero: x.low, otherwise: otherwise.low),
             high: .choosing(positive.high, whereAboveZero: x.high, otherwise: otherwise.high))
    }

    static func exp(_ x: Self) -> Self { Self(low: .exp(x.low), high: .exp(x.high)) }
    static func log(_ x: Self) -> Self { Self(low: .log(x.low), high: .log(x.high)) }
    static func tanh(_ x: Self) -> Self { Self(low: .tanh(x.low), high: .tanh(x.high)) }
}
