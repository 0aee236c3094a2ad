// Transposing square blocks of a vector's lanes in registers (16 × 16 `Float`, 8 × 8 `Double`),
// for packing a transposed operand: the block's rows are loaded as whole vectors and its columns
// stored as whole vectors, instead of one scalar load and store per element.
//
// One round takes the rows in pairs and deinterleaves each pair: the even lanes of rows 2i and
// 2i + 1 become row i, their odd lanes row w/2 + i. On an element's address (row bits, then
// column bits) a round is a rotation by one bit, so log₂ w rounds swap the row and column bits:
// the transpose. The rows are an `InlineArray` of a size fixed per type, so that the compiler
// unrolls the rounds and keeps the rows in registers.

/// Vectors whose square blocks (`scalarCount` rows of `scalarCount` lanes) transpose in
/// registers: 16 or 8 lanes.
protocol TransposingLanes: SIMD {}

extension SIMD16: TransposingLanes where Scalar == Float {}
extension SIMD8: TransposingLanes where Scalar == Double {}

extension TransposingLanes {
    /// Copies the transpose of a `scalarCount` × `scalarCount` block: row r of the source, at
    /// `source + r·sourceRowStride`, becomes column r of the destination, whose rows are
    /// `destinationRowStride` apart.
    @inline(__always)
    static func transposeBlock(_ source: UnsafePointer<Scalar>, sourceRowStride: Int,
                               into destination: UnsafeMutablePointer<Scalar>, destinationRowStride: Int) {
        switch scalarCount {
        case 16: transposeBlock(source, sourceRowStride, destination, destinationRowStride, rows: InlineArray<16, Self>.self)
        case 8: transposeBlock(source, sourceRowStride, destination, destinationRowStride, rows: InlineArray<8, Self>.self)
        default: preconditionFailure("TransposingLanes: no transpose of \(scalarCount) lanes")
        }
    }

    /// The transpose through `w` (= `scalarCount`) rows held in registers, in log₂ w rounds.
    @inline(__always)
    static func transposeBlock<let w: Int>(_ source: UnsafePointer<Scalar>, _ sourceRowStride: Int,
                                           _ destination: UnsafeMutablePointer<Scalar>, _ destinationRowStride: Int,
                                           rows _: InlineArray<w, Self>.Type) {
        var rows = InlineArray<w, Self> { UnsafeRawPointer(source + $0 * sourceRowStride).loadUnaligned(as: Self.self) }
        for _ in 0..<w.trailingZeroBitCount {
            let pairs = rows
            for i in 0..<w / 2 { (rows[i], rows[w / 2 + i]) = deinterleaving(pairs[2 * i], pairs[2 * i + 1]) }
        }
        for r in 0..<w { UnsafeMutableRawPointer(destination + r * destinationRowStride).storeBytes(of: rows[r], as: Self.self) }
    }

    /// The even lanes of `first` then of `second`, and their odd lanes likewise (constant lane
    /// moves, which the compiler turns into two-source shuffles).
    @inline(__always)
    static func deinterleaving(_ first: Self, _ second: Self) -> (even: Self, odd: Self) {
        var (even, odd) = (Self(), Self())
        let half = scalarCount / 2
        for i in 0..<half {
            (even[i], even[half + i]) = (first[2 * i], second[2 * i])
            (odd[i], odd[half + i]) = (first[2 * i + 1], second[2 * i + 1])
        }
        return (even, odd)
    }
}
