#if canImport(Glibc)
import Glibc
#endif

/// The CPUs this process may run on, and pinning of the calling thread to one of them.
///
/// Linux only: `sched_getaffinity`/`sched_setaffinity` are looked up with `dlsym`, because Swift's
/// Glibc module does not export them. Elsewhere every query answers "unknown" and pinning does
/// nothing. Pinning a pool worker keeps it off the core the caller runs on; the caller itself
/// is never pinned (threads it creates later would inherit the mask).
package enum Affinity {
    private typealias AffinityCall = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32
    /// Enough 64-bit words for 1024 CPUs (glibc's `cpu_set_t`).
    private static let maskWords = 16

    private static func lookUp(_ name: String) -> AffinityCall? {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_LAZY), name) else { return nil }
        return unsafeBitCast(symbol, to: AffinityCall.self)
        #else
        return nil
        #endif
    }

    /// The CPU numbers in the calling thread's affinity mask, or nil when it cannot be read.
    package static func allowedCPUs() -> [Int]? {
        guard let call = lookUp("sched_getaffinity") else { return nil }
        var mask = [UInt64](repeating: 0, count: maskWords)
        let status = mask.withUnsafeMutableBytes { call(0, $0.count, $0.baseAddress!) }
        guard status == 0 else { return nil }
        return (0..<(maskWords * 64)).filter { mask[$0 / 64] & (1 << UInt64($0 % 64)) != 0 }
    }

    /// Restricts the calling thread to `cpu`; returns whether that succeeded.
    @discardableResult
    package static func pinCurrentThread(to cpu: Int) -> Bool {
        guard let call = lookUp("sched_setaffinity"), cpu >= 0, cpu < maskWords * 64 else { return false }
        var mask = [UInt64](repeating: 0, count: maskWords)
        mask[cpu / 64] = 1 << UInt64(cpu % 64)
        return mask.withUnsafeMutableBytes { call(0, $0.count, $0.baseAddress!) } == 0
    }
}
