import Autograd
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a monotonic clock.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + 1e-9 * Double(time.tv_nsec)
}

/// Timed repetitions, as the peers' common.py takes them.
enum Timing {
    /// How many calls of `body` take about `target` seconds (after one untimed call).
    static func calibrate(target: Double, limit: Int, _ body: () -> Void) -> Int {
        var count = 1
        while true {
            let start = now()
            for _ in 0..<count { body() }
            let elapsed = now() - start
            if elapsed >= target / 4 || count >= limit {
                return max(1, min(limit, Int((Double(count) * target / max(elapsed, 1e-9)).rounded(.up))))
            }
            count *= 4
        }
    }

    /// `warmup` untimed calls, a wait for a quiet machine, then `reps` timed calls of `body`:
    /// the seconds of each and the load measured meanwhile. With `probingEachRep`, the core
    /// placement is also read just before and just after every rep (the reading's
    /// ``LoadMeter/Reading/repPlacements``), for reps long enough that 1–50 ms of probing does not matter.
    static func repetitions(_ reps: Int, warmup: Int = 1, probingEachRep: Bool = false, _ body: () -> Void)
        -> (times: [Double], load: LoadMeter.Reading) {
        for _ in 0..<warmup { body() }
        LoadMeter.waitUntilQuiet()
        let meter = LoadMeter()
        var times: [Double] = [], placements: [Bool?] = []
        for _ in 0..<reps {
            let before = probingEachRep ? CorePlacement().sharesL3 : nil
            let start = now()
            body()
            times.append(now() - start)
            if probingEachRep {
                let after = CorePlacement().sharesL3
                placements.append(before == after ? before : nil)
            }
        }
        var reading = meter.reading()
        reading.repPlacements = placements
        return (times, reading)
    }

    /// A training or inference step timed as the peers time theirs: `warmup` untimed calls, a
    /// step count calibrated to about `target` seconds (at most `limit`), then `reps` timed runs
    /// of that many steps, all on `threads` threads, each probed for the core placement: each
    /// run's seconds, the load meanwhile (with each run's placement) and the step count.
    static func steps(_ step: () -> Void, threads: Int, warmup: Int, target: Double, limit: Int, reps: Int)
        -> (times: [Double], load: LoadMeter.Reading, steps: Int) {
        withThreadCount(threads) {
            for _ in 0..<warmup { step() }
            let steps = calibrate(target: target, limit: limit, step)
            let (times, load) = repetitions(reps, warmup: 0, probingEachRep: true) { for _ in 0..<steps { step() } }
            return (times, load, steps)
        }
    }

    /// The minimum and the median of `times`, each divided by `per`.
    static func summary(_ times: [Double], per: Double = 1) -> (min: Double, median: Double) {
        let sorted = times.sorted().map { $0 / per }
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return (sorted[0], median)
    }
}

/// What the machine did besides our measurement: CPU time used by other processes (from
/// /proc/stat, as common.py's LoadMeter: 0 is an idle machine, 1 one busy core elsewhere), and
/// where the host placed our CPUs just before and just after (``CorePlacement``).
struct LoadMeter {
    /// CPUs' worth of time used by others (`foreign`) and by this process (`own`), the
    /// placements before and after, and, when each rep was probed, whether the CPUs shared an L3
    /// cache throughout each rep (nil for a rep whose placement changed or is unknown).
    struct Reading {
        let foreign: Double, own: Double, placement: (before: CorePlacement, after: CorePlacement)?
        var repPlacements: [Bool?] = []
    }

    let placementBefore: CorePlacement?
    let start: Double, busyStart: Double, ownStart: Double

    /// Starts measuring; with `placement`, reads the core placement first (and again in
    /// ``reading()``).
    init(placement: Bool = true) {
        placementBefore = placement ? CorePlacement() : nil
        (start, busyStart, ownStart) = (now(), Self.systemBusySeconds(), Self.ownSeconds())
    }

    func reading() -> Reading {
        let wall = max(now() - start, 1e-9)
        let own = Self.ownSeconds() - ownStart
        let other = Self.systemBusySeconds() - busyStart - own
        return Reading(foreign: max(0, other / wall), own: own / wall, placement: placementBefore.map { ($0, CorePlacement()) })
    }

    /// Busy seconds of every CPU since boot (all columns but idle and iowait, guests excluded).
    static func systemBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first else { return 0 }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return 0 }
        let idle = values[3] + values[4]
        return (values.prefix(8).reduce(0, +) - idle) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds used by this process.
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + 1e-6 * Double(t.tv_usec) }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Waits until other processes use under 0.1 CPUs, for at most $PEERS_MAX_WAIT seconds (300).
    static func waitUntilQuiet() {
        let limit = ProcessInfo.processInfo.environment["PEERS_MAX_WAIT"].flatMap(Double.init) ?? 300
        let start = now()
        var warned = false
        while true {
            let meter = LoadMeter(placement: false)
            usleep(1_000_000)
            let load = meter.reading().foreign
            if load < 0.1 { return }
            if now() - start > limit { return log("[bench] machine still busy (foreign load \(load)); measuring anyway") }
            if !warned { log("[bench] other processes busy (load \(load)); waiting up to \(Int(limit)) s") }
            warned = true
        }
    }
}
