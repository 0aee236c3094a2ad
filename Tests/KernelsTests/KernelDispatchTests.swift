import Foundation
import Testing
import Kernels

@Suite("Choosing the kernels' instruction-set level")
struct KernelDispatchTests {
    static let zen5 = Processor(vendor: "AuthenticAMD", family: 0x1A, model: 0x02, hasAVX2: true, hasAVX512: true)
    static let haswell = Processor(vendor: "GenuineIntel", family: 6, model: 0x3C, hasAVX2: true, hasAVX512: false)
    static let core2 = Processor(vendor: "GenuineIntel", family: 6, model: 0x17, hasAVX2: false, hasAVX512: false)

    @Test("the highest level the CPU supports, without a word on standard error")
    func highestLevel() {
        #if arch(x86_64)
        #expect(KernelDispatch.choose(on: Self.zen5, requested: nil) == (.x86_64_v4, notes: []))
        #expect(KernelDispatch.choose(on: Self.haswell, requested: nil) == (.x86_64_v3, notes: []))
        #else
        #expect(KernelDispatch.choose(on: Self.zen5, requested: nil) == (.baseline, notes: []))
        #endif
    }

    @Test("the environment lowers the level, never raises it, and a bad value is named")
    func environmentOverride() {
        #if arch(x86_64)
        #expect(KernelDispatch.choose(on: Self.zen5, requested: "x86-64-v3") == (.x86_64_v3, notes: []))
        #expect(KernelDispatch.choose(on: Self.zen5, requested: "AVX2").0 == .x86_64_v3)
        let (raised, raisedNotes) = KernelDispatch.choose(on: Self.haswell, requested: "avx512")
        #expect(raised == .x86_64_v3 && raisedNotes.count == 1 && raisedNotes[0].contains("AUTOGRAD_KERNEL_LEVEL=avx512"))
        let (unknown, unknownNotes) = KernelDispatch.choose(on: Self.zen5, requested: "sse9")
        #expect(unknown == .x86_64_v4 && unknownNotes.count == 1 && unknownNotes[0].contains("baseline, x86-64-v3, x86-64-v4"))
        #endif
    }

    @Test("portable kernels on x86-64 are announced once, with the reason")
    func baselineWarning() {
        let (level, notes) = KernelDispatch.choose(on: Self.core2, requested: nil)
        #expect(level == .baseline)
        #if arch(x86_64)
        #expect(notes.count == 1 && notes[0].contains("no AVX2") && notes[0].contains("100×"))
        let (forced, forcedNotes) = KernelDispatch.choose(on: Self.zen5, requested: "baseline")
        #expect(forced == .baseline && forcedNotes.count == 1 && forcedNotes[0].contains("AUTOGRAD_KERNEL_LEVEL asks"))
        #else
        #expect(notes.isEmpty)
        #endif
    }

    @Test("a measured exception lowers its family's level, and only that family's")
    func exceptions() {
        #if arch(x86_64)
        let zen4 = Processor(vendor: "AuthenticAMD", family: 0x19, model: 0x61, hasAVX2: true, hasAVX512: true)
        let rule = LevelChoice.Exception(vendor: "AuthenticAMD", family: 0x19, models: 0x60...0x7F, level: .x86_64_v3)
        #expect(LevelChoice.preferredLevel(on: zen4, exceptions: [rule]) == .x86_64_v3)
        #expect(LevelChoice.preferredLevel(on: Self.zen5, exceptions: [rule]) == .x86_64_v4)
        #expect(LevelChoice.preferredLevel(on: Self.haswell, exceptions: [rule]) == .x86_64_v3)
        #expect(LevelChoice.preferredLevel(on: zen4, exceptions: []) == .x86_64_v4)
        #endif
    }

    @Test("this process runs a level its CPU supports, the one AUTOGRAD_EXPECT_KERNEL_LEVEL names when set")
    func thisProcess() {
        #expect(KernelLevel.runnable.contains(KernelDispatch.level))
        #expect(KernelLevel.runnable.first == .baseline)
        #expect(Processor.current.supports(KernelDispatch.level))
        if let expected = ProcessInfo.processInfo.environment["AUTOGRAD_EXPECT_KERNEL_LEVEL"] {
            #expect(KernelDispatch.level.rawValue == expected, "on \(Processor.current.description)")
        }
    }
}
