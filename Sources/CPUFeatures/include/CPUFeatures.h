#ifndef CPU_FEATURES_H
#define CPU_FEATURES_H

#include <stdbool.h>

/// What the CPU this process runs on reports through CPUID, and which vector registers the
/// operating system saves for it (XGETBV). All false and zero on other architectures.
typedef struct {
    /// The vendor string of CPUID leaf 0, e.g. "GenuineIntel" or "AuthenticAMD", NUL-terminated.
    char vendor[13];
    /// The display family and model of CPUID leaf 1 (base plus extended fields).
    unsigned family;
    unsigned model;
    /// The instruction-set features of x86-64-v3 (AVX2, FMA, BMI1/2, F16C, MOVBE, LZCNT): all set or not.
    bool hasLevel3;
    /// The AVX-512 subsets of x86-64-v4 (F, BW, CD, DQ, VL): all set or not.
    bool hasAVX512;
    /// The operating system saves the 256-bit (YMM) and the 512-bit (ZMM, opmask) register state.
    bool savesYMM;
    bool savesZMM;
} CPUFeatures;

/// Reads the features of the CPU the calling thread runs on.
CPUFeatures cpu_features_read(void);

#endif
