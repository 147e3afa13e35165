/* AVX2 paged attention: attention_simd.h with each 16-lane vector held as two __m256 halves
 * (lanes 0-7, 8-15). Every lane sees the same operations as on AVX-512, and the reduce tree starts
 * by adding the halves, so the two ISAs agree bit for bit. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "fast_exp.h"
#include "tern_attention.h"

#define TERN_ATTN_SIMD_TARGET __attribute__((target("avx2,f16c,fma")))
#define INL TERN_ATTN_SIMD_TARGET static inline __attribute__((always_inline))

typedef struct {
    __m256 lo, hi;
} v16;

INL v16 v16_zero(void) { return (v16){_mm256_setzero_ps(), _mm256_setzero_ps()}; }
INL v16 v16_loadu(const float *p) { return (v16){_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
INL void v16_storeu(float *p, v16 x) {
    _mm256_storeu_ps(p, x.lo);
    _mm256_storeu_ps(p + 8, x.hi);
}
INL __m256 load_h8(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
INL v16 v16_load_h(const uint16_t *p) { return (v16){load_h8(p), load_h8(p + 8)}; }
INL __m256 round_h8(__m256 x) { return _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)); }
INL v16 v16_round_h(v16 x) { return (v16){round_h8(x.lo), round_h8(x.hi)}; }
INL v16 v16_set1(float x) { return (v16){_mm256_set1_ps(x), _mm256_set1_ps(x)}; }
INL v16 v16_add(v16 x, v16 y) { return (v16){_mm256_add_ps(x.lo, y.lo), _mm256_add_ps(x.hi, y.hi)}; }
INL v16 v16_sub(v16 x, v16 y) { return (v16){_mm256_sub_ps(x.lo, y.lo), _mm256_sub_ps(x.hi, y.hi)}; }
INL v16 v16_mul(v16 x, v16 y) { return (v16){_mm256_mul_ps(x.lo, y.lo), _mm256_mul_ps(x.hi, y.hi)}; }
INL v16 v16_fmadd(v16 x, v16 y, v16 z) {
    return (v16){_mm256_fmadd_ps(x.lo, y.lo, z.lo), _mm256_fmadd_ps(x.hi, y.hi, z.hi)};
}
INL v16 v16_exp(v16 x) { return (v16){tern_fast_exp8(x.lo), tern_fast_exp8(x.hi)}; }

/* the tree's first step adds the halves, which is where the AVX-512 tree starts too */
INL float v16_reduce(v16 v) {
    const __m256 t3 = _mm256_add_ps(v.hi, v.lo);
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(_mm_add_ss(t8, _mm_movehdup_ps(t8)));
}

/* v16_reduce of four vectors with shared shuffles: the same additions, lane for lane */
INL void v16_reduce4(const v16 x[4], float out[4]) {
    __m256 t3[4];
    for (int g = 0; g < 4; g++) t3[g] = _mm256_add_ps(x[g].hi, x[g].lo);
    /* t6 of rows 0 and 1 (and 2 and 3) side by side */
    const __m256 t6a = _mm256_add_ps(_mm256_permute2f128_ps(t3[0], t3[1], 0x31), _mm256_permute2f128_ps(t3[0], t3[1], 0x20));
    const __m256 t6b = _mm256_add_ps(_mm256_permute2f128_ps(t3[2], t3[3], 0x31), _mm256_permute2f128_ps(t3[2], t3[3], 0x20));
    /* t8 = (t6[0] + t6[2], t6[1] + t6[3]): rows 0, 2 in the low half, rows 1, 3 in the high one */
    const __m256 t8 = _mm256_add_ps(_mm256_shuffle_ps(t6a, t6b, _MM_SHUFFLE(1, 0, 1, 0)),
                                    _mm256_shuffle_ps(t6a, t6b, _MM_SHUFFLE(3, 2, 3, 2)));
    float r[8];
    _mm256_storeu_ps(r, _mm256_add_ps(t8, _mm256_movehdup_ps(t8)));
    out[0] = r[0], out[1] = r[4], out[2] = r[2], out[3] = r[6];
}

#define TERN_ATTN_SIMD_NAME tern_attention_avx2
#include "attention_simd.h"
