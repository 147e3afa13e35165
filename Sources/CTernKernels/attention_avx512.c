/* AVX-512 paged attention: attention_simd.h with one __m512 per 16-lane vector. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "fast_exp.h"
#include "tern_attention.h"

#define TERN_ATTN_SIMD_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,f16c,fma")))
#define INL TERN_ATTN_SIMD_TARGET static inline __attribute__((always_inline))

typedef __m512 v16;

INL v16 v16_zero(void) { return _mm512_setzero_ps(); }
INL v16 v16_loadu(const float *p) { return _mm512_loadu_ps(p); }
INL void v16_storeu(float *p, v16 x) { _mm512_storeu_ps(p, x); }
INL v16 v16_load_h(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
INL v16 v16_round_h(v16 x) { return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)); }
INL v16 v16_set1(float x) { return _mm512_set1_ps(x); }
INL v16 v16_add(v16 x, v16 y) { return _mm512_add_ps(x, y); }
INL v16 v16_sub(v16 x, v16 y) { return _mm512_sub_ps(x, y); }
INL v16 v16_mul(v16 x, v16 y) { return _mm512_mul_ps(x, y); }
INL v16 v16_fmadd(v16 x, v16 y, v16 z) { return _mm512_fmadd_ps(x, y, z); }
INL v16 v16_exp(v16 x) { return tern_fast_exp16(x); }

INL float v16_reduce(v16 v) {
    const __m256 t3 = _mm256_add_ps(_mm512_extractf32x8_ps(v, 1), _mm512_castps512_ps256(v));
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(_mm_add_ss(t8, _mm_movehdup_ps(t8)));
}

INL void v16_reduce4(const v16 x[4], float out[4]) {
    for (int g = 0; g < 4; g++) out[g] = v16_reduce(x[g]);
}

#define TERN_ATTN_SIMD_NAME tern_attention_avx512
#include "attention_simd.h"
