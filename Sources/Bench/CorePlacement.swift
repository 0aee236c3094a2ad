import Autograd
import Foundation
import KernelSupport
import Synchronization

/// Where the host has put our first two CPUs, read off the time a cache line takes to go from
/// one to the other and back.
///
/// On 2-vCPU cloud machines that round trip can be bimodal: short when the two vCPUs run on
/// cores that share an L3 cache (one CCX of an AMD EPYC), three or more times longer when they
/// run on different ones, and the host may switch between the two every few seconds. In the
/// split placement every value one thread writes and the other reads crosses between L3
/// caches, and training steps lose much of their speed (Benchmarks/results/HISTORY.md, "Core
/// placement"). So every measurement records the placement before and after it.
struct CorePlacement {
    /// Round trips above this many nanoseconds mean the two CPUs do not share an L3 cache.
    static let splitThreshold = 200.0

    /// Nanoseconds per round trip of one cache line between the first two allowed CPUs (one
    /// thread pinned to each, neither of them the caller), or nil with fewer than two CPUs.
    let roundTrip: Double?

    /// Whether the two CPUs share an L3 cache, judged by ``roundTrip``.
    var sharesL3: Bool? { roundTrip.map { $0 < Self.splitThreshold } }

    /// Measures `trips` round trips (20,000 take 1–7 ms).
    init(trips: Int = 20_000) {
        guard let cpus = Affinity.allowedCPUs(), cpus.count >= 2 else {
            roundTrip = nil
            return
        }
        roundTrip = Self.measure(between: cpus[0], and: cpus[1], trips: trips)
    }

    /// `bench placement`: one measurement, for scripts that run other benchmarks in between.
    static func run(_ options: BenchOptions, _ report: Report) {
        let placement = CorePlacement()
        let text = placement.roundTrip.map { "\(fixed($0, 1)) ns" } ?? "unknown (one CPU)"
        let shared = placement.sharesL3.map { $0 ? "share an L3 cache" : "do not share an L3 cache" } ?? ""
        report.emit([("bench", .string("core_placement")), ("framework", .string("swift")),
                     ("round_trip_ns", placement.roundTrip.map { .rounded($0, 1) } ?? .null),
                     ("cores_share_l3", placement.sharesL3.map { .bool($0) } ?? .null)],
                    threads: 2, load: nil, summary: "core round trip \(text): the first two CPUs \(shared)")
    }

    /// Two threads pass a counter back and forth: the first writes odd values, the second
    /// answers each with the next even one. The first stops early after ``timeBudget`` seconds
    /// (on a busy machine a descheduled thread stalls the trips) and then writes -1, which tells
    /// the second to stop too.
    private static func measure(between first: Int, and second: Int, trips: Int) -> Double {
        let counter = Counter()
        let finished = DispatchSemaphore(value: 0)
        let answerer = Thread {
            Affinity.pinCurrentThread(to: second)
            trips: for trip in 0..<trips {
                while true {
                    let value = counter.value.load(ordering: .acquiring)
                    if value == 2 * trip + 1 { break }
                    if value < 0 { break trips }
                }
                counter.value.store(2 * trip + 2, ordering: .releasing)
            }
            finished.signal()
        }
        let result = Mutex<(seconds: Double, trips: Int)>((0, 0))
        let asker = Thread {
            Affinity.pinCurrentThread(to: first)
            let start = now()
            var done = 0
            while done < trips && (done % 256 != 0 || now() - start < timeBudget) {
                counter.value.store(2 * done + 1, ordering: .releasing)
                while counter.value.load(ordering: .acquiring) != 2 * done + 2 {}
                done += 1
            }
            result.withLock { $0 = (now() - start, done) }
            counter.value.store(-1, ordering: .releasing)
            finished.signal()
        }
        answerer.start()
        asker.start()
        finished.wait()
        finished.wait()
        return result.withLock { $0.seconds / Double(max(1, $0.trips)) * 1e9 }
    }

    /// At most this long per measurement (20,000 round trips take 1–7 ms on an idle machine).
    static let timeBudget = 0.05

    /// The counter both threads read and write.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
}
