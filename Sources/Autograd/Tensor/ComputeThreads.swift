import KernelSupport

/// How many threads the CPU kernels use, chosen per task.
///
/// The default is every CPU the process may run on. Results never depend on the choice: each
/// kernel partitions its work so that every output element is computed by the same sequence of
/// operations whatever the number of threads, so 1 and 2 threads give bit-identical tensors.
/// Small operations run on the calling thread only.
public enum ComputeThreads {
    /// The number of CPUs this process may run on (its affinity mask).
    public static var available: Int { KernelThreads.available }

    /// The number of threads kernels use in the current task: the innermost
    /// ``withThreadCount(_:_:file:line:)`` setting (at most ``available``), otherwise ``available``.
    public static var current: Int { KernelThreads.current }
}

/// Runs `body` with the CPU kernels limited to `count` threads (1 = the calling thread only),
/// for this task and the tasks it creates. Counts above ``ComputeThreads/available`` use every
/// available CPU.
public func withThreadCount<Result>(
    _ count: Int, _ body: () throws -> Result, file: StaticString = #fileID, line: UInt = #line
) rethrows -> Result {
    guard count >= 1 else { fatalError("withThreadCount: \(count) threads; use 1 or more", file: file, line: line) }
    return try KernelThreads.$requested.withValue(count, operation: body)
}
