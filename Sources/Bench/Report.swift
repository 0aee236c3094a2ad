import Foundation
import Kernels

/// A JSON value of a measurement record.
enum JSONValue {
    case string(String), int(Int), number(Double), bool(Bool), null

    /// `value` rounded to `places` decimals.
    static func rounded(_ value: Double, _ places: Int) -> JSONValue {
        let scale = Foundation.pow(10, Double(places))
        return .number((value * scale).rounded() / scale)
    }

    var text: String {
        switch self {
        case .string(let s):
            let escaped = s.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case _ where scalar.value < 0x20: String(format: "\\u%04x", scalar.value)
                default: String(scalar)
                }
            }.joined()
            return "\"\(escaped)\""
        case .int(let i): return String(i)
        case .number(let d): return d.isFinite ? String(d) : "null"
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }
}

/// Prints measurements: one JSON line each (`--json`, with the peers' common fields added) or
/// a readable line. Diagnostics go to standard error.
struct Report {
    let json: Bool
    let tag: String?
    let machine = Machine()

    /// Prints one measurement: `fields` (in order) as JSON, or `summary` for people.
    func emit(_ fields: [(String, JSONValue)], threads: Int, load: LoadMeter.Reading?, summary: String) {
        guard json else { return print(summary) }
        var record: [(String, JSONValue)] = [("threads", .int(threads))]
        record += fields
        if let tag { record.append(("tag", .string(tag))) }
        record.append(("foreign_load", load.map { .rounded($0.foreign, 3) } ?? .null))
        record.append(("own_cpu", load.map { .rounded($0.own, 3) } ?? .null))
        if let placement = load?.placement { record += Self.placementFields(placement) }
        record.append(("kernel_level", .string(KernelDispatch.level.rawValue)))
        record.append(("cpu", .string(machine.model)))
        record.append(("cpu_mhz", .number(machine.megahertz)))
        print("{" + record.map { "\"\($0.0)\": \($0.1.text)" }.joined(separator: ", ") + "}")
        fflush(nil)
    }

    /// The core round trips before and after a measurement, and whether the two CPUs shared
    /// an L3 cache throughout (null when the placement changed or is unknown).
    static func placementFields(_ placement: (before: CorePlacement, after: CorePlacement)) -> [(String, JSONValue)] {
        let (before, after) = placement
        func nanoseconds(_ p: CorePlacement) -> JSONValue { p.roundTrip.map { .rounded($0, 1) } ?? .null }
        let shared: JSONValue = if let b = before.sharesL3, b == after.sharesL3 { .bool(b) } else { .null }
        return [("core_round_trip_ns_before", nanoseconds(before)), ("core_round_trip_ns_after", nanoseconds(after)),
                ("cores_share_l3", shared)]
    }

    /// Per placement (`shared`, `split`) the number of reps that stayed in it and their best and
    /// median milliseconds per step (null without such reps), and every rep's placement in order
    /// (`rep_placements`, "mixed" for a rep during which it changed): `times` are the reps'
    /// seconds for `steps` steps each, probed as ``Timing/repetitions(_:warmup:probingEachRep:_:)`` probes.
    static func perPlacementFields(_ times: [Double], steps: Int, load: LoadMeter.Reading, places: Int) -> [(String, JSONValue)] {
        let placements = load.repPlacements
        guard placements.count == times.count else { return [] }
        var fields: [(String, JSONValue)] = [
            ("rep_placements", .string(placements.map { $0.map { $0 ? "shared" : "split" } ?? "mixed" }.joined(separator: ","))),
        ]
        for (name, shares) in [("shared", true), ("split", false)] {
            let kept = zip(times, placements).filter { $0.1 == shares }.map(\.0)
            let summary = kept.isEmpty ? nil : Timing.summary(kept, per: Double(steps))
            fields += [("reps_\(name)", .int(kept.count)),
                       ("ms_per_step_min_\(name)", summary.map { .rounded($0.min * 1e3, places) } ?? .null),
                       ("ms_per_step_median_\(name)", summary.map { .rounded($0.median * 1e3, places) } ?? .null)]
        }
        return fields
    }

    /// The nominal FP32 peak the peers report: cpuinfo clock × 32 FLOP per cycle per core.
    func nominalPeak(threads: Int) -> Double { machine.megahertz * 1e-3 * 32 * Double(threads) }
}

/// What /proc/cpuinfo says about the processor.
struct Machine {
    var model = "unknown"
    var megahertz = Double.nan

    init() {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
        var clocks: [Double] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "model name", model == "unknown" { model = parts[1] }
            if parts[0] == "cpu MHz", let mhz = Double(parts[1]) { clocks.append(mhz) }
        }
        megahertz = clocks.max() ?? .nan
    }
}

/// The version string of our JSON lines.
let frameworkVersion: String = {
    #if compiler(>=6.3)
    "SwiftAutograd dev (Swift 6.3)"
    #else
    "SwiftAutograd dev"
    #endif
}()

/// Writes a line to standard error.
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
