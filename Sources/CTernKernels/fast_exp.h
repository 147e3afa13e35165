/* exp(x) as llama.cpp's CPU backend computes it on AVX-512 (ggml_v_expf, the polynomial of Arm's
 * optimized-routines expf: round x/ln2 with the 1.5*2^23 trick, a two-step Cody-Waite reduction,
 * a degree-5 polynomial in Horner/Estrin form, and an exact 2^n scaling). Tern uses the same
 * function on every ISA, written with fused multiply-adds, so SiLU and softmax agree bit for bit
 * with llama.cpp and across Tern's own scalar, AVX2 and AVX-512 paths. */
#ifndef TERN_FAST_EXP_H
#define TERN_FAST_EXP_H

#include <immintrin.h>
#include <math.h>

#define TERN_EXP_SHIFT 0x1.8p23f
#define TERN_EXP_LOG2E 0x1.715476p+0f
#define TERN_EXP_LN2_HI 0x1.62e4p-1f
#define TERN_EXP_LN2_LO 0x1.7f7d1cp-20f
#define TERN_EXP_C1 0x1.ffffecp-1f
#define TERN_EXP_C2 0x1.fffdb6p-2f
#define TERN_EXP_C3 0x1.555e66p-3f
#define TERN_EXP_C4 0x1.573e2ep-5f
#define TERN_EXP_C5 0x1.0e4020p-7f

static inline float tern_fast_expf(float x) {
    const float z = fmaf(x, TERN_EXP_LOG2E, TERN_EXP_SHIFT);
    const float n = z - TERN_EXP_SHIFT;
    const float b = fmaf(-n, TERN_EXP_LN2_LO, fmaf(-n, TERN_EXP_LN2_HI, x));
    if (fabsf(n) > 192.0f) return n > 0.0f ? INFINITY : 0.0f;
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(TERN_EXP_C5, b, TERN_EXP_C4), u, fmaf(TERN_EXP_C3, b, TERN_EXP_C2)), u,
                         fmaf(TERN_EXP_C1, b, 1.0f));
    return ldexpf(j, (int)n);
}

__attribute__((target("avx512f,avx512dq,fma"))) static inline __m512 tern_fast_exp16(__m512 x) {
    const __m512 r = _mm512_set1_ps(TERN_EXP_SHIFT);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(TERN_EXP_LOG2E), r);
    const __m512 n = _mm512_sub_ps(z, r);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(TERN_EXP_LN2_LO),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(TERN_EXP_LN2_HI), x));
    const __mmask16 big = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192), _CMP_GT_OQ);
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 j = _mm512_fmadd_ps(
        _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(TERN_EXP_C5), b, _mm512_set1_ps(TERN_EXP_C4)), u,
                        _mm512_fmadd_ps(_mm512_set1_ps(TERN_EXP_C3), b, _mm512_set1_ps(TERN_EXP_C2))),
        u, _mm512_fmadd_ps(_mm512_set1_ps(TERN_EXP_C1), b, _mm512_set1_ps(1.0f)));
    const __m512 res = _mm512_scalef_ps(j, n);
    if (!big) return res;
    const __m512 alt = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(n, _mm512_setzero_ps(), _CMP_LE_OQ),
                                            _mm512_set1_ps(INFINITY), _mm512_setzero_ps());
    return _mm512_mask_blend_ps(big, res, alt);
}

/* AVX2 has no vscalefps: 2^n is applied as two exact power-of-two factors, which equals the
 * single scaling whenever the result is a normal float (always, for SiLU and softmax inputs). */
__attribute__((target("avx2,fma"))) static inline __m256 tern_fast_exp8(__m256 x) {
    const __m256 r = _mm256_set1_ps(TERN_EXP_SHIFT);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(TERN_EXP_LOG2E), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(TERN_EXP_LN2_LO),
                                      _mm256_fnmadd_ps(n, _mm256_set1_ps(TERN_EXP_LN2_HI), x));
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 j = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(TERN_EXP_C5), b, _mm256_set1_ps(TERN_EXP_C4)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(TERN_EXP_C3), b, _mm256_set1_ps(TERN_EXP_C2))),
        u, _mm256_fmadd_ps(_mm256_set1_ps(TERN_EXP_C1), b, _mm256_set1_ps(1.0f)));
    /* n1 + n2 = n with both halves in [-96, 96], so each factor 2^ni is a normal float */
    const __m256i ni = _mm256_cvtps_epi32(n);
    const __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 f1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 f2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    __m256 res = _mm256_mul_ps(_mm256_mul_ps(j, f1), f2);
    const __m256 big = _mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), n), _mm256_set1_ps(192), _CMP_GT_OQ);
    const __m256 alt = _mm256_blendv_ps(_mm256_set1_ps(INFINITY), _mm256_setzero_ps(),
                                        _mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ));
    return _mm256_blendv_ps(res, alt, big);
}

#endif
