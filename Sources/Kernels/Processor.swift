import CPUFeatures

/// The CPU this process runs on, as CPUID describes it: vendor, family, model and the
/// instruction-set levels it (and the operating system) supports.
package struct Processor: Sendable, Hashable {
    package var vendor: String
    package var family: Int
    package var model: Int
    /// The CPU has the features of x86-64-v3 and the system saves 256-bit registers.
    package var hasAVX2: Bool
    /// The CPU has those of x86-64-v4 too and the system saves 512-bit registers.
    package var hasAVX512: Bool

    package init(vendor: String, family: Int, model: Int, hasAVX2: Bool, hasAVX512: Bool) {
        (self.vendor, self.family, self.model) = (vendor, family, model)
        (self.hasAVX2, self.hasAVX512) = (hasAVX2, hasAVX2 && hasAVX512)
    }

    /// The CPU running this process (read once).
    package static let current: Processor = {
        var features = cpu_features_read()
        let vendor = withUnsafeBytes(of: &features.vendor) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let hasAVX2 = features.hasLevel3 && features.savesYMM
        return Processor(vendor: vendor, family: Int(features.family), model: Int(features.model),
                         hasAVX2: hasAVX2, hasAVX512: features.hasAVX512 && features.savesZMM)
    }()

    /// Whether this CPU can run kernels compiled for `level`.
    package func supports(_ level: KernelLevel) -> Bool {
        switch level {
        case .baseline: true
        case .x86_64_v3: hasAVX2
        case .x86_64_v4: hasAVX512
        }
    }

    /// Vendor, family and model, e.g. "AuthenticAMD family 0x1a model 0x02".
    package var description: String {
        "\(vendor.isEmpty ? "unknown vendor" : vendor) family 0x\(String(family, radix: 16)) model 0x\(String(model, radix: 16))"
    }
}
