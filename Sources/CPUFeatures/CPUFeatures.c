#include "CPUFeatures.h"
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

/// The extended control register 0: which register states the operating system saves.
static unsigned long long read_xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

CPUFeatures cpu_features_read(void) {
    CPUFeatures features;
    memset(&features, 0, sizeof features);
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return features;
    unsigned highest = eax;
    memcpy(features.vendor, &ebx, 4);
    memcpy(features.vendor + 4, &edx, 4);
    memcpy(features.vendor + 8, &ecx, 4);

    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    unsigned baseFamily = (eax >> 8) & 0xF, baseModel = (eax >> 4) & 0xF;
    features.family = baseFamily == 0xF ? baseFamily + ((eax >> 20) & 0xFF) : baseFamily;
    features.model = (baseFamily == 0x6 || baseFamily == 0xF) ? (((eax >> 16) & 0xF) << 4) + baseModel : baseModel;
    bool fma = ecx & (1u << 12), movbe = ecx & (1u << 22), osxsave = ecx & (1u << 27);
    bool avx = ecx & (1u << 28), f16c = ecx & (1u << 29);

    if (osxsave) {
        unsigned long long xcr0 = read_xcr0();
        features.savesYMM = (xcr0 & 0x6) == 0x6;            // SSE and AVX state
        features.savesZMM = (xcr0 & 0xE6) == 0xE6;          // and opmask, ZMM_Hi256, Hi16_ZMM
    }
    if (highest < 7) return features;
    __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
    bool avx2 = ebx & (1u << 5), bmi1 = ebx & (1u << 3), bmi2 = ebx & (1u << 8);
    bool avx512f = ebx & (1u << 16), avx512dq = ebx & (1u << 17), avx512cd = ebx & (1u << 28);
    bool avx512bw = ebx & (1u << 30), avx512vl = ebx & (1u << 31);

    ecx = 0;
    __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx);
    bool lzcnt = ecx & (1u << 5);

    features.hasLevel3 = avx && avx2 && fma && bmi1 && bmi2 && f16c && movbe && lzcnt;
    features.hasAVX512 = avx512f && avx512bw && avx512cd && avx512dq && avx512vl;
    return features;
}

#else

CPUFeatures cpu_features_read(void) {
    CPUFeatures features;
    memset(&features, 0, sizeof features);
    return features;
}

#endif
