/* AVX-512 matmul for F32 / F16 / BF16 weights against f32 activations.
 * Each output owns one 16-lane accumulator, fed 16 elements at a time in k order (masked
 * tail), then reduced with a fixed shuffle tree: the same sequence for every tile shape, so a
 * row's result does not depend on m. Tiles: NR weight rows x MR activation rows. */
#include <immintrin.h>

#include "quant_layouts.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

T512 INL __m512 ldw(const int T, const uint8_t *p, __mmask16 mk) {
    if (T == TERN_TYPE_F32) return _mm512_maskz_loadu_ps(mk, p);
    const __m256i h = _mm256_maskz_loadu_epi16(mk, p);
    if (T == TERN_TYPE_F16) return _mm512_cvtph_ps(h);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

T512 INL void tile(const int T, const int NR, const int MR, int k, const uint8_t *w, size_t wrb, const uint8_t *act,
                   size_t arb, float *y, size_t ys) {
    const size_t es = T == TERN_TYPE_F32 ? 4 : 2;
    __m512 acc[4][4];
    for (int r = 0; r < NR; r++)
        for (int i = 0; i < MR; i++) acc[r][i] = _mm512_setzero_ps();
    for (int e = 0; e < k; e += 16) {
        const __mmask16 mk = k - e >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - e)) - 1);
        __m512 av[4];
        for (int i = 0; i < MR; i++) av[i] = _mm512_maskz_loadu_ps(mk, act + (size_t)i * arb + 4 * (size_t)e);
        for (int r = 0; r < NR; r++) {
            const __m512 wv = ldw(T, w + (size_t)r * wrb + es * (size_t)e, mk);
            for (int i = 0; i < MR; i++) acc[r][i] = _mm512_fmadd_ps(wv, av[i], acc[r][i]);
        }
    }
    for (int r = 0; r < NR; r++)
        for (int i = 0; i < MR; i++) y[(size_t)i * ys + r] = _mm512_reduce_add_ps(acc[r][i]);
}

T512 INL void rows(const int T, const int NR, int k, const uint8_t *w, size_t wrb, const uint8_t *act, size_t arb,
                   int m, float *y, size_t ys) {
    int i = 0;
    for (; i + 4 <= m; i += 4) tile(T, NR, 4, k, w, wrb, act + (size_t)i * arb, arb, y + (size_t)i * ys, ys);
    const uint8_t *ai = act + (size_t)i * arb;
    float *yi = y + (size_t)i * ys;
    switch (m - i) {
    case 1: tile(T, NR, 1, k, w, wrb, ai, arb, yi, ys); break;
    case 2: tile(T, NR, 2, k, w, wrb, ai, arb, yi, ys); break;
    case 3: tile(T, NR, 3, k, w, wrb, ai, arb, yi, ys); break;
    default: break;
    }
}

T512 INL void mm(const int T, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                 int m, float *y, size_t ys) {
    int j = n0;
    for (; j + 4 <= n1; j += 4) rows(T, 4, k, w + (size_t)j * wrb, wrb, act, arb, m, y + j, ys);
    for (; j < n1; j++) rows(T, 1, k, w + (size_t)j * wrb, wrb, act, arb, m, y + j, ys);
}

T512 void tern_mm_float_avx512(int type, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act,
                               size_t arb, int m, float *y, size_t ys) {
    switch (type) {
    case TERN_TYPE_F32: mm(TERN_TYPE_F32, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    case TERN_TYPE_F16: mm(TERN_TYPE_F16, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    default: mm(TERN_TYPE_BF16, k, w, wrb, n0, n1, act, arb, m, y, ys); break;
    }
}
