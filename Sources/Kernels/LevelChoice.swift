/// Which level the kernels run at on a CPU: the one rule, kept in one place.
///
/// By default the highest level the CPU supports. A CPU family where measurements showed a lower
/// level to be faster over the `bench` workloads gets an entry in ``measuredExceptions``, with
/// the figures behind it (Benchmarks/results holds the raw lines).
package enum LevelChoice {
    /// A family whose best level is not its highest one.
    package struct Exception: Sendable {
        package var vendor: String
        package var family: Int
        package var models: ClosedRange<Int>
        package var level: KernelLevel

        package init(vendor: String, family: Int, models: ClosedRange<Int>, level: KernelLevel) {
            (self.vendor, self.family, self.models, self.level) = (vendor, family, models, level)
        }
    }

    /// Families measured faster at a lower level than their highest: none so far. The AVX-512
    /// kernels were measured ahead of the AVX2 ones on Zen 5, on Intel's Emerald Rapids, and on
    /// Zen 4 for the MLP, where only large 2-thread matrix products went the other way
    /// (Benchmarks/results/README.md, "Kernel levels by CPU family").
    package static let measuredExceptions: [Exception] = []

    /// The level to run on `processor`, given the `exceptions` measured.
    package static func preferredLevel(on processor: Processor, exceptions: [Exception] = measuredExceptions) -> KernelLevel {
        let highest = KernelLevel.allCases.last { processor.supports($0) && $0.kernels != nil } ?? .baseline
        let exception = exceptions.first {
            $0.vendor == processor.vendor && $0.family == processor.family && $0.models.contains(processor.model)
        }
        guard let exception, exception.level < highest else { return highest }
        return exception.level
    }
}
