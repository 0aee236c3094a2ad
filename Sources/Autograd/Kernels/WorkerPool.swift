import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Persistent worker threads for fork/join parallelism inside kernels.
///
/// One process-wide pool (``shared``, a constant) holds one worker per allowed CPU beyond the
/// first, each pinned to its own CPU; the calling thread always takes part 0 itself and is never
/// pinned. An idle worker spins briefly, then yields its CPU, then sleeps on a condition
/// variable, so a fork/join costs a fraction of a microsecond while work keeps coming and nothing
/// once it stops. Dispatch's `concurrentPerform` wakes workers too slowly for kernels under
/// about 200 µs on these machines (Docs/Performance.md).
///
/// The pool serves one fork/join at a time. A caller that finds it busy (another task, or a
/// kernel running inside a job) runs all of its parts on its own thread instead, so nested or
/// concurrent use is safe; kernels partition work identically either way.
final class WorkerPool: Sendable {
    /// The pool shared by every kernel; its threads start on first use.
    static let shared = WorkerPool(cpus: availableCPUs)

    /// The CPUs this process may use, as seen when the pool was first consulted.
    static let availableCPUs: [Int] = {
        if let cpus = Affinity.allowedCPUs(), !cpus.isEmpty { return cpus }
        return Array(0..<max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }()

    private let workers: [Worker]
    private let isBusy = Atomic<Bool>(false)

    /// A pool with one worker pinned to each CPU of `cpus` after the first.
    init(cpus: [Int]) {
        workers = cpus.dropFirst().map { Worker(cpu: $0) }
    }

    /// The largest useful number of parts: the workers plus the calling thread.
    var threadLimit: Int { workers.count + 1 }

    /// Runs `body(part)` for every part in `0..<parts` and returns when all have finished.
    /// Part 0 runs on the calling thread, the others on workers; parts beyond ``threadLimit``
    /// and all parts when the pool is busy run on the calling thread, in order.
    func run(parts: Int, _ body: @escaping @Sendable (_ part: Int) -> Void) {
        guard parts > 1, isBusy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        let helpers = min(parts, threadLimit) - 1
        var generations = [UInt64](repeating: 0, count: helpers)
        for index in 0..<helpers { generations[index] = workers[index].start(body, part: index + 1) }
        body(0)
        for part in (helpers + 1)..<max(parts, helpers + 1) { body(part) }
        for index in 0..<helpers { workers[index].waitUntilFinished(generations[index]) }
        isBusy.store(false, ordering: .releasing)
    }
}

extension WorkerPool {
    /// Runs `body` on `threads` contiguous chunks of `0..<count` whose bounds are multiples of
    /// `granularity` (see ``chunk(_:of:count:granularity:)``), and returns when all have finished.
    func runChunks(of count: Int, granularity: Int, threads: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        run(parts: threads) { part in body(Self.chunk(part, of: threads, count: count, granularity: granularity)) }
    }

    /// Chunk `part` of `parts` near-equal contiguous chunks of `0..<count`, cut at multiples of
    /// `granularity` (so a chunk may be empty when there are fewer units than parts).
    static func chunk(_ part: Int, of parts: Int, count: Int, granularity: Int) -> Range<Int> {
        let units = (count + granularity - 1) / granularity
        return min(count, units * part / parts * granularity)..<min(count, units * (part + 1) / parts * granularity)
    }
}

/// A value handed to pool workers that the compiler cannot prove `Sendable` (raw pointers):
/// the caller keeps the memory alive and un-aliased until the fork/join returns.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One pinned thread and its hand-over protocol: the caller writes `job` and `part`, then
/// publishes a new generation; the worker runs the job, clears it and reports the generation
/// finished. Between jobs the caller never touches `job`, the worker only while running it.
private final class Worker: @unchecked Sendable {
    private let published = Atomic<UInt64>(0)
    private let finished = Atomic<UInt64>(0)
    private let isSleeping = Atomic<Bool>(false)
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var job: (@Sendable (Int) -> Void)?
    private var part = 0
    private let cpu: Int

    /// How long an idle worker spins before yielding, and yields before sleeping (nanoseconds).
    private static let spinNanoseconds: UInt64 = 50_000
    private static let yieldNanoseconds: UInt64 = 2_000_000

    init(cpu: Int) {
        self.cpu = cpu
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wakeUp, nil)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue().serve()
        }, context)
        precondition(status == 0, "WorkerPool: pthread_create failed with status \(status)")
        pthread_detach(thread)
    }

    /// Hands `body(part)` to the worker; returns the generation to wait for.
    func start(_ body: @escaping @Sendable (Int) -> Void, part: Int) -> UInt64 {
        job = body
        self.part = part
        let generation = published.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if isSleeping.load(ordering: .sequentiallyConsistent) {
            pthread_mutex_lock(lock)
            pthread_cond_signal(wakeUp)
            pthread_mutex_unlock(lock)
        }
        return generation
    }

    /// Waits (spinning, then yielding) until the worker has finished `generation`.
    func waitUntilFinished(_ generation: UInt64) {
        var spins = 0
        while finished.load(ordering: .acquiring) != generation {
            spins += 1
            if spins > 1000 { sched_yield() }
        }
    }

    /// The worker thread's loop; never returns.
    private func serve() -> Never {
        Affinity.pinCurrentThread(to: cpu)
        var seen: UInt64 = 0
        while true {
            seen = waitForJob(after: seen)
            job!(part)
            job = nil
            finished.store(seen, ordering: .releasing)
        }
    }

    /// Returns the next published generation: spins, then yields, then sleeps.
    private func waitForJob(after seen: UInt64) -> UInt64 {
        let idleSince = Self.now()
        var spins = 0
        while true {
            let current = published.load(ordering: .acquiring)
            if current != seen { return current }
            spins += 1
            guard spins % 64 == 0 else { continue }
            let idle = Self.now() - idleSince
            if idle < Self.spinNanoseconds { continue }
            if idle < Self.yieldNanoseconds { sched_yield(); continue }
            pthread_mutex_lock(lock)
            isSleeping.store(true, ordering: .sequentiallyConsistent)
            while published.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(wakeUp, lock) }
            isSleeping.store(false, ordering: .relaxed)
            pthread_mutex_unlock(lock)
        }
    }

    /// A monotonic clock in nanoseconds.
    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
