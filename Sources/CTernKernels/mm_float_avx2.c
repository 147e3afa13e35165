/* AVX2 matmul for F32 / F16 / BF16 weights against f32 activations; same structure as the
 * AVX-512 version with 8-lane accumulators (one per output, fixed reduction order). */
#include <immintrin.h>

#include "quant_layouts.h"

#define TAVX2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

TAVX2 INL __m256 ldw8(const int T, const uint8_t *p) {
    if (T == TERN_TYPE_F32) return _mm256_loadu_ps((const float *)p);
    const __m128i h = _mm_loadu_si128((const __m128i *)p);
    if (T == TERN_TYPE_F16) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

TAVX2 INL float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

TAVX2 INL void tile(const int T, const int NR, const int MR, int k, const uint8_t *w, size_t wrb, const uint8_t *act,
                    size_t arb, float *y, size_t ys) {
    const size_t es = T == TERN_TYPE_F32 ? 4 : 2;
    __m256 acc[4][4];
    for (int r = 0; r < NR; r++)
        for (int i = 0; i < MR; i++) acc[r][i] = _mm256_setzero_ps();
    int e = 0;
    for (; e + 8 <= k; e += 8) {
        __m256 av[4];
        for (int i = 0; i < MR; i++) av[i] = _mm256_loadu_ps((const float *)(act + (size_t)i * arb) + e);
        for (int r = 0; r < NR; r++) {
            const __m256 wv = ldw8(T, w + (size_t)r * wrb + es * (size_t)e);
            for (int i = 0; i < MR; i++) acc[r][i] = _mm256_fmadd_ps(wv, av[i], acc[r][i]);
        }
    }
    if (e < k) { /* zero-padded copies of the tail */
        __m256 av[4];
        for (int i = 0; i < MR; i++) {
            float t[8] = {0};
            memcpy(t, (const float *)(act + (size_t)i * arb) + e, 4 * (size_t)(k - e));
            av[i] = _mm256_loadu_ps(t);
        }
        for (int r = 0; r < NR; r++) {
            uint8_t t[32] = {0};
            memcpy(t, w + (size_t)r * wrb + es * (size_t)e, es * (size_t)(k - e));
            const __m256 wv = ldw8(T, t);
            for (int i = 0; i < MR; i++) acc[r][i] = _mm256_fmadd_ps(wv, av[i], acc[r][i]);
        }
    }
    for (int r = 0; r < NR; r++)
        for (int i = 0; i < MR; i++) y[(size_t)i * ys + r] = hsum8(acc[r][i]);
}

TAVX2 INL void rows(const int T, const int NR, int k, const uint8_t *w, size_t wrb, const uint8_t *act, size_t arb,
                    int m, float *y, size_t ys) {
    int i = 0;
    for (; i + 3 <= m; i += 3) tile(T, NR, 3, k, w, wrb, act + (size_t)i * arb, arb, y + (size_t)i * ys, ys);
    const uint8_t *ai = act + (size_t)i * arb;
    float *yi = y + (size_t)i * ys;
    if (m - i == 1) tile(T, NR, 1, k, w, wrb, ai, arb, yi, ys);
    else if (m - i == 2) tile(T, NR, 2, k, w, wrb, ai, arb, yi, ys);
}

TAVX2 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                  int m, float *y, size_t ys) {
    int j = n0;
    for (; j + 4 <= n1; j += 4) rows(T, 4, k, w + (size_t)j * wrb, wrb, act, arb, m, y + j, ys);
    for (; j < n1; j++) rows(T, 1, k, w + (size_t)j * wrb, wrb, act, arb, m, y + j, ys);
}

TAVX2 void tern_mm_float_avx2(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                              size_t arb, int m, float *y, size_t ys) {
    switch (type) {
    case TERN_TYPE_F32: mm(TERN_TYPE_F32, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_F16: mm(TERN_TYPE_F16, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: mm(TERN_TYPE_BF16, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
