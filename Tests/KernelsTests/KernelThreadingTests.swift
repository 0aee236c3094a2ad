import Synchronization
import Testing
import Autograd
import Kernels
import KernelSupport
@testable import KernelsBaseline
#if canImport(Glibc)
import Glibc
#endif

/// Counts calls per part from several threads.
final class PartCounter: Sendable {
    let counts: Mutex<[Int]>
    init(parts: Int) { counts = Mutex([Int](repeating: 0, count: parts)) }
    func record(_ part: Int) { counts.withLock { $0[part] += 1 } }
    var values: [Int] { counts.withLock { $0 } }
}

@Suite("Worker pool and thread count")
struct KernelThreadingTests {
    @Test("every part runs exactly once, for any number of parts and threads", arguments: [1, 2, 3, 7])
    func everyPartOnce(_ parts: Int) {
        let counter = PartCounter(parts: parts)
        for threads in 1...3 {
            for _ in 0..<20 { WorkerPool.shared.run(parts: parts, threads: threads) { counter.record($0) } }
        }
        #expect(counter.values == [Int](repeating: 60, count: parts))
    }

    @Test("participant numbers: 0 for the caller, one number per thread, below the thread count and limit")
    func participantNumbers() {
        let caller = pthread_self()
        let seen = Mutex<[Int: Set<pthread_t>]>([:])
        let expected = min(3, WorkerPool.shared.threadLimit)
        // Jobs until every thread has taken part, at most 6000 of them. A part waits up to 10 ms
        // for the others, so the caller cannot claim all parts before a worker wakes however busy
        // or slow (emulated) the machine; a job whose offer a concurrent test's job replaced is
        // simply followed by another. The bound counts jobs, not seconds, so a test thread the
        // system leaves waiting for a while does not use it up.
        for _ in 0..<6_000 where seen.withLock({ $0.count }) < expected {
            WorkerPool.shared.run(parts: 16, threads: 3) { _, participant in
                seen.withLock { _ = $0[participant, default: []].insert(pthread_self()) }
                let waitUntil = ContinuousClock.now + .milliseconds(10)
                while seen.withLock({ $0.count }) < expected && ContinuousClock.now < waitUntil { usleep(100) }
            }
        }
        let threads = seen.withLock { $0 }
        #expect(threads.count == expected)
        #expect(threads.keys.allSatisfy { (0..<expected).contains($0) })
        #expect(threads[0] == [caller])
        #expect(threads.values.allSatisfy { $0.count == 1 })
        #expect(Set(threads.values.flatMap { $0 }).count == threads.count)
    }

    @Test("a part that uses the pool again completes (no deadlock)")
    func nestedUse() {
        let counter = PartCounter(parts: 4)
        WorkerPool.shared.run(parts: 2, threads: 2) { outer in
            WorkerPool.shared.run(parts: 2, threads: 2) { inner in counter.record(outer * 2 + inner) }
        }
        #expect(counter.values == [1, 1, 1, 1])
    }

    @Test("concurrent callers all finish with their own results")
    func concurrentCallers() async {
        let counters = (0..<4).map { _ in PartCounter(parts: 2) }
        await withTaskGroup(of: Void.self) { group in
            for counter in counters {
                group.addTask { for _ in 0..<200 { WorkerPool.shared.run(parts: 2, threads: 2) { counter.record($0) } } }
            }
        }
        #expect(counters.allSatisfy { $0.values == [200, 200] })
    }

    @Test("guided chunks tile the range in multiples of the granularity, largest first",
          arguments: [0, 1, 15, 16, 17, 100, 1_000])
    func chunks(_ count: Int) {
        for threads in 1...4 {
            let ranges = WorkerPool.guidedChunks(of: count, granularity: 16, threads: threads)
            #expect(ranges.first?.lowerBound ?? 0 == 0 && ranges.last?.upperBound ?? 0 == count)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.dropLast().allSatisfy { $0.upperBound % 16 == 0 && !$0.isEmpty })
            #expect(zip(ranges, ranges.dropFirst().dropLast()).allSatisfy { $0.count >= $1.count })
        }
        // 1000 = 63 units of 16 on two threads: a quarter of what remains each time.
        #expect(WorkerPool.guidedChunks(of: 1_000, granularity: 16, threads: 2).map(\.count).prefix(4) == [240, 192, 144, 96])
    }

    @Test("withThreadCount sets the count for its body only, capped at the available CPUs")
    func threadCount() {
        let available = ComputeThreads.available
        #expect(available >= 1 && ComputeThreads.current == available)
        withThreadCount(1) {
            #expect(ComputeThreads.current == 1)
            withThreadCount(available + 5) { #expect(ComputeThreads.current == available) }
            #expect(ComputeThreads.current == 1)
        }
        #expect(ComputeThreads.current == available)
    }

    @Test("the affinity mask lists the CPUs the pool uses")
    func affinity() {
        let cpus = Affinity.allowedCPUs()
        #expect(cpus == nil || cpus == WorkerPool.availableCPUs)
        #expect(WorkerPool.shared.threadLimit == WorkerPool.availableCPUs.count)
    }
}
