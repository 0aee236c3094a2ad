import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Persistent worker threads for fork/join parallelism inside kernels.
///
/// One process-wide pool (``shared``, a constant) holds one worker per allowed CPU beyond the
/// first, each pinned to its own CPU; the calling thread is never pinned and always works too.
/// A fork/join hands out a job of numbered parts that every participant claims one at a time
/// from a shared counter, so a worker that is late (its CPU busy with another process) costs
/// nothing: the caller claims the remaining parts itself and returns once all are done. Which
/// thread runs a part never changes what the part computes.
///
/// An idle worker spins briefly, then yields its CPU, then sleeps on a condition variable, so a
/// fork/join costs a fraction of a microsecond while work keeps coming and nothing once it stops.
/// Dispatch's `concurrentPerform` wakes workers too slowly for kernels under about 200 µs.
/// Nested and concurrent use are safe: each fork/join has its own job, and a worker busy
/// elsewhere simply does not take part.
package final class WorkerPool: Sendable {
    /// The pool shared by every kernel; its threads start on first use.
    package static let shared = WorkerPool(cpus: availableCPUs)

    /// The CPUs this process may use, as seen when first consulted.
    package static let availableCPUs: [Int] = {
        if let cpus = Affinity.allowedCPUs(), !cpus.isEmpty { return cpus }
        return Array(0..<max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }()

    private let workers: [Worker]

    /// A pool with one worker pinned to each CPU of `cpus` after the first.
    package init(cpus: [Int]) {
        workers = cpus.dropFirst().enumerated().map { Worker(cpu: $1, participant: $0 + 1) }
    }

    /// The largest useful number of threads: the workers plus the calling thread.
    package var threadLimit: Int { workers.count + 1 }

    /// Runs `body(part)` for every part in `0..<parts` on up to `threads` threads (the caller and
    /// `threads − 1` workers) and returns when all parts have finished.
    package func run(parts: Int, threads: Int, _ body: @escaping @Sendable (_ part: Int) -> Void) {
        run(parts: parts, threads: threads) { part, _ in body(part) }
    }

    /// Runs `body(part, participant)` as ``run(parts:threads:_:)`` runs `body(part)`, telling each
    /// part which thread runs it: participant 0 is the caller, the workers are numbered from 1,
    /// and every number is below `min(threads, threadLimit)`.
    /// A thread can then keep scratch of its own across the parts it claims.
    package func run(parts: Int, threads: Int, _ body: @escaping @Sendable (_ part: Int, _ participant: Int) -> Void) {
        let helpers = min(threads, threadLimit, parts) - 1
        guard helpers > 0 else {
            for part in 0..<parts { body(part, 0) }
            return
        }
        let job = Job(parts: parts, body: body)
        for worker in workers.prefix(helpers) { worker.offer(job) }
        job.work(as: 0)
        job.waitUntilComplete()
    }

    /// Runs `body` on the ``guidedChunks(of:granularity:threads:)`` of `0..<count` on up to
    /// `threads` threads; on one thread, `body` runs once on the whole range.
    package func runChunks(of count: Int, granularity: Int = 1, threads: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        guard threads > 1 else { return body(0..<count) }
        let chunks = Self.guidedChunks(of: count, granularity: granularity, threads: threads)
        run(parts: chunks.count, threads: threads) { body(chunks[$0]) }
    }

    /// Contiguous chunks covering `0..<count`, cut at multiples of `granularity`, largest first:
    /// each takes 1/(2·`threads`) of what remains (at least one unit). The CPUs of these
    /// machines run at different speeds from one moment to the next (a neighbour's load), so
    /// equal chunks left the faster thread idle for up to a chunk at the end; the small last
    /// chunks let it fill that gap.
    package static func guidedChunks(of count: Int, granularity: Int, threads: Int) -> [Range<Int>] {
        let units = (count + granularity - 1) / granularity
        var chunks: [Range<Int>] = [], start = 0
        while start < units {
            let size = max(1, (units - start) / (2 * threads))
            chunks.append(start * granularity..<min(count, (start + size) * granularity))
            start += size
        }
        return chunks
    }
}

/// A value handed to pool workers that the compiler cannot prove `Sendable` (raw pointers):
/// the caller keeps the memory alive and un-aliased until the fork/join returns.
package struct Unchecked<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// One fork/join: parts are claimed from `next` by whoever is free; `completed` counts the
/// finished ones. Once every part is claimed, a latecomer finds nothing to do.
private final class Job: Sendable {
    let parts: Int
    let body: @Sendable (_ part: Int, _ participant: Int) -> Void
    let next = Atomic<Int>(0)
    let completed = Atomic<Int>(0)

    init(parts: Int, body: @escaping @Sendable (Int, Int) -> Void) { (self.parts, self.body) = (parts, body) }

    /// Runs parts on behalf of `participant` until none is left to claim.
    func work(as participant: Int) {
        while true {
            let part = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard part < parts else { return }
            body(part, participant)
            completed.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Waits (spinning, then yielding) until parts claimed by workers have finished.
    func waitUntilComplete() {
        var spins = 0
        while completed.load(ordering: .acquiring) != parts {
            spins += 1
            if spins > 1_000 { sched_yield() }
        }
    }
}

/// One pinned thread (its pthread objects are only used through their own locking). A caller
/// offers a job by putting it in `slot` (replacing a job the worker never took, whose parts its
/// own caller has done); the worker takes it out and works on it.
private final class Worker: @unchecked Sendable {
    private let slot = Atomic<UnsafeMutableRawPointer?>(nil)
    private let isSleeping = Atomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeUp: UnsafeMutablePointer<pthread_cond_t>
    private let cpu: Int
    /// This worker's participant number in a job: 1 for the first worker, and so on.
    private let participant: Int

    /// How long an idle worker spins before yielding, and yields before sleeping (nanoseconds).
    private static let spinNanoseconds: UInt64 = 50_000
    private static let yieldNanoseconds: UInt64 = 2_000_000

    init(cpu: Int, participant: Int) {
        (self.cpu, self.participant) = (cpu, participant)
        mutex = .allocate(capacity: 1)
        wakeUp = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue().serve()
        }, context)
        precondition(status == 0, "WorkerPool: pthread_create failed with status \(status)")
        pthread_detach(thread)
    }

    /// Puts `job` in the slot and wakes the worker if it sleeps.
    func offer(_ job: Job) {
        let offered = Unmanaged.passRetained(job).toOpaque()
        if let stale = slot.exchange(offered, ordering: .sequentiallyConsistent) {
            Unmanaged<Job>.fromOpaque(stale).release()
        }
        if isSleeping.load(ordering: .sequentiallyConsistent) {
            pthread_mutex_lock(mutex)
            pthread_cond_signal(wakeUp)
            pthread_mutex_unlock(mutex)
        }
    }

    /// The worker thread's loop; never returns.
    private func serve() -> Never {
        Affinity.pinCurrentThread(to: cpu)
        while true {
            waitForOffer()
            if let taken = slot.exchange(nil, ordering: .acquiringAndReleasing) {
                Unmanaged<Job>.fromOpaque(taken).takeRetainedValue().work(as: participant)
            }
        }
    }

    /// Returns once the slot holds a job: spins, then yields, then sleeps.
    private func waitForOffer() {
        let idleSince = Self.now()
        var spins = 0
        while slot.load(ordering: .acquiring) == nil {
            spins += 1
            guard spins % 64 == 0 else { continue }
            let idle = Self.now() - idleSince
            if idle < Self.spinNanoseconds { continue }
            if idle < Self.yieldNanoseconds { sched_yield(); continue }
            pthread_mutex_lock(mutex)
            isSleeping.store(true, ordering: .sequentiallyConsistent)
            while slot.load(ordering: .sequentiallyConsistent) == nil { pthread_cond_wait(wakeUp, mutex) }
            isSleeping.store(false, ordering: .relaxed)
            pthread_mutex_unlock(mutex)
        }
    }

    /// A monotonic clock in nanoseconds.
    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
