#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings of the C allocator that suit training loops.
package enum AllocatorTuning {
    private typealias MalloptCall = @convention(c) (Int32, Int32) -> Int32
    /// `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` of glibc's malloc.h.
    private static let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)

    /// Asks glibc's malloc to keep freed tensor memory for reuse instead of returning it to the
    /// operating system: blocks up to 32 MiB come from the heap (not fresh `mmap`s) and free heap
    /// memory is never trimmed. A training step frees and allocates the same large buffers every
    /// time; without this, each one comes back as fresh pages that the kernel must fault in and
    /// zero (7 % of the CNN trainer's time in a profile). The cost is a process that keeps its
    /// peak heap. Call it once at start-up, before other threads allocate; the example trainers
    /// and `bench` do. `mallopt` is looked up with `dlsym` (Swift's Glibc module does not export
    /// malloc.h); elsewhere this does nothing.
    package static func keepFreedMemory() {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_LAZY), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MalloptCall.self)
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
