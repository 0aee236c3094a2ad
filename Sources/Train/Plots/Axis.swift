import Foundation

/// How an axis maps values to positions.
public enum AxisScale: Hashable, Sendable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (decades); only positive values are shown. The seeds
    /// plot the cost on such an axis (MATLAB's `semilogy`).
    case logarithmic
}

/// An axis over a range of data: its domain, rounded out to tick marks, and its ticks.
struct Axis {
    let scale: AxisScale
    let lower: Double
    let upper: Double
    /// Labelled tick values.
    let ticks: [Double]
    /// Smaller tick values (2…9 within decades of a logarithmic axis).
    let minorTicks: [Double]
    /// Whether the minor ticks at 2 and 5 are labelled too (a logarithmic axis of one or two decades).
    let labelsMinorTicks: Bool

    /// An axis covering `values` (non-finite values, and non-positive ones on a logarithmic
    /// axis, are ignored).
    init(scale: AxisScale, covering values: [Double]) {
        self.scale = scale
        let shown = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        var low = shown.min() ?? (scale == .linear ? 0 : 1)
        var high = shown.max() ?? (scale == .linear ? 1 : 10)
        switch scale {
        case .linear:
            if low == high { (low, high) = (low - 1, high + 1) }
            // Whole numbers (such as epochs) get whole-number ticks.
            let integral = shown.allSatisfy { $0 == $0.rounded() }
            let step = max(Axis.niceStep((high - low) / 5), integral ? 1 : 0)
            let start = (low / step).rounded(.down) * step, end = (high / step).rounded(.up) * step
            (lower, upper) = (start, end)
            ticks = (0...Int(((end - start) / step).rounded())).map { start + Double($0) * step }
            minorTicks = []
            labelsMinorTicks = false
        case .logarithmic:
            var first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
            if first == last { (first, last) = (first - 1, last + 1) }
            let every = max(1, (last - first + 7) / 8)
            last = first + (last - first + every - 1) / every * every
            let decades = last - first
            lower = pow(10, Double(first))
            upper = pow(10, Double(last))
            ticks = stride(from: first, through: last, by: every).map { pow(10, Double($0)) }
            minorTicks = decades <= 5
                ? (first..<last).flatMap { decade in (2...9).map { Double($0) * pow(10, Double(decade)) } }
                : []
            labelsMinorTicks = decades <= 2
        }
    }

    /// The position of `value` as a fraction of the axis length, 0 at `lower`, 1 at `upper`.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: (value - lower) / (upper - lower)
        case .logarithmic: (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Whether `value` can be drawn on this axis.
    func shows(_ value: Double) -> Bool { value.isFinite && (scale == .linear || value > 0) }

    /// The minor ticks that carry a label: 2 × and 5 × a power of ten, when ``labelsMinorTicks``.
    var labelledMinorTicks: [Double] {
        guard labelsMinorTicks else { return [] }
        return minorTicks.filter { value in
            let leading = (value / pow(10, log10(value).rounded(.down))).rounded()
            return leading == 2 || leading == 5
        }
    }

    /// The label of tick `value`: decimals as the tick spacing needs, or a power of ten.
    func label(_ value: Double) -> String {
        switch scale {
        case .logarithmic:
            let exponent = Int(log10(value).rounded(.down))
            return (-3...4).contains(exponent) ? Axis.plain(value) : Axis.scientific(value, exponent: exponent)
        case .linear:
            let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
            let decimals = max(0, -Int(log10(step).rounded(.down)))
            let text = String(format: "%.\(decimals)f", value)
            return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
        }
    }

    /// 1, 2 or 5 times a power of ten, the smallest at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, log10(rough).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= rough * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// A value between 0.001 and 99999 written out ("0.002", "5000").
    private static func plain(_ value: Double) -> String {
        value >= 1 ? String(Int(value.rounded())) : String(format: "%g", value)
    }

    /// d × 10ⁿ with a superscript exponent ("10⁻⁶", "5×10⁻⁶").
    private static func scientific(_ value: Double, exponent: Int) -> String {
        let leading = Int((value / pow(10, Double(exponent))).rounded())
        return (leading == 1 ? "" : "\(leading)×") + "10" + superscript(exponent)
    }

    /// An integer in superscript digits ("⁻³").
    static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (value < 0 ? "⁻" : "") + String(abs(value)).map { digits[Int(String($0))!] }
    }
}
