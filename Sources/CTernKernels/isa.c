/* Run-time instruction set detection: cpuid for the features, xgetbv for OS state support. */
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "tern_kernels.h"

static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static tern_isa detect_uncached(void) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return TERN_ISA_SCALAR;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    if (!osxsave || !avx) return TERN_ISA_SCALAR;
    const unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return TERN_ISA_SCALAR; /* XMM and YMM state */
    if (__get_cpuid_max(0, 0) < 7) return TERN_ISA_SCALAR;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1;
    const int avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1,
              avx512vl = (b >> 31) & 1, vnni = (c >> 11) & 1;
    if (!(avx2 && fma && f16c)) return TERN_ISA_SCALAR;
    const int zmm_state = (xcr0 & 0xE0) == 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    if (zmm_state && avx512f && avx512dq && avx512bw && avx512vl && vnni) return TERN_ISA_AVX512;
    return TERN_ISA_AVX2;
#else
    return TERN_ISA_SCALAR;
#endif
}

/* Races here are benign: every thread computes the same value. */
static volatile int cached_detect = -1;
static volatile int cached_active = -1;

tern_isa tern_isa_detect(void) {
    int v = cached_detect;
    if (v < 0) {
        v = (int)detect_uncached();
        cached_detect = v;
    }
    return (tern_isa)v;
}

tern_isa tern_isa_clamp(tern_isa isa) {
    const tern_isa best = tern_isa_detect();
    if ((int)isa < 0) return TERN_ISA_SCALAR;
    return (int)isa > (int)best ? best : isa;
}

tern_isa tern_isa_active(void) {
    int v = cached_active;
    if (v < 0) {
        tern_isa want = tern_isa_detect();
        const char *env = getenv("TERN_ISA");
        if (env) {
            if (strcmp(env, "scalar") == 0) want = TERN_ISA_SCALAR;
            else if (strcmp(env, "avx2") == 0) want = TERN_ISA_AVX2;
            else if (strcmp(env, "avx512") == 0) want = TERN_ISA_AVX512;
        }
        v = (int)tern_isa_clamp(want);
        cached_active = v;
    }
    return (tern_isa)v;
}

const char *tern_isa_name(tern_isa isa) {
    switch (isa) {
    case TERN_ISA_SCALAR: return "scalar";
    case TERN_ISA_AVX2: return "avx2";
    case TERN_ISA_AVX512: return "avx512";
    }
    return "unknown";
}
