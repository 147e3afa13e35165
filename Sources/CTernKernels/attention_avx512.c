/* AVX-512 paged attention with the exact float order of attention_impl.h (llama.cpp's CPU
 * attention without flash attention), written with intrinsics: per key position the dot product
 * is four 16-wide steps and one reduce16 tree; value sums are kept transposed (one row of head_dim
 * per lane) so every position adds with full-width fmas, and the lanes are reduced once at the end
 * with the same tree, vectorized over head dimensions. Results equal the generic version bit for
 * bit (tests compare them). Needs head_dim % 16 == 0 and block_size % 16 == 0; otherwise the
 * dispatcher uses the generic version. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "fast_exp.h"
#include "tern_attention.h"

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,f16c,fma")))
#define INL static inline __attribute__((always_inline))

/* GCC's _mm512_reduce_add_ps tree: halves, quarters, then (0+2)+(1+3). */
T512 INL float reduce16(__m512 v) {
    const __m256 t3 = _mm256_add_ps(_mm512_extractf32x8_ps(v, 1), _mm512_castps512_ps256(v));
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(_mm_add_ss(t8, _mm_movehdup_ps(t8)));
}

T512 INL __m512 load_h(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

/* score of one key row k against q (fp16-rounded, hd floats) */
T512 INL float score(const uint16_t *k, const float *q, int hd, int single) {
    if (!single) {
        __m512 acc = _mm512_setzero_ps();
        for (int c = 0; c < hd; c += 16) acc = _mm512_fmadd_ps(load_h(k + c), _mm512_loadu_ps(q + c), acc);
        return reduce16(acc);
    }
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    const int np = hd & ~63;
    for (int c = 0; c < np; c += 64) {
        a0 = _mm512_fmadd_ps(load_h(k + c), _mm512_loadu_ps(q + c), a0);
        a1 = _mm512_fmadd_ps(load_h(k + c + 16), _mm512_loadu_ps(q + c + 16), a1);
        a2 = _mm512_fmadd_ps(load_h(k + c + 32), _mm512_loadu_ps(q + c + 32), a2);
        a3 = _mm512_fmadd_ps(load_h(k + c + 48), _mm512_loadu_ps(q + c + 48), a3);
    }
    double sum = reduce16(_mm512_add_ps(_mm512_add_ps(a0, a2), _mm512_add_ps(a1, a3)));
    for (int d = np; d < hd; d++) sum += (double)(_cvtsh_ss(k[d]) * q[d]);
    return (float)sum;
}

T512 void tern_attention_avx512(const tern_attention_args *a, float *scratch) {
    const int hd = a->head_dim, single = a->single_token, lanes = single ? 64 : 16;
    float *q16 = scratch;              /* hd */
    float *acc = q16 + hd;             /* lanes x hd: row `lane` sums the positions t with t % lanes == lane */
    float *scores = acc + 64 * hd;     /* positions of the widest query */
    for (int i = 0; i < a->q_count; i++) {
        const int32_t pos = a->q_positions[i];
        const int32_t lo = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
        const int32_t begin = lo / 64 * 64, end = pos / 64 * 64 + 64;
        const float *q = a->q + (size_t)i * a->q_stride;
        float *out = a->out + (size_t)i * a->out_stride;
        for (int d = 0; d < hd; d += 16)
            _mm512_storeu_ps(q16 + d, _mm512_cvtph_ps(_mm512_cvtps_ph(_mm512_loadu_ps(q + d), _MM_FROUND_TO_NEAREST_INT)));

        float max = -INFINITY;
        for (int32_t t = begin; t < end; t++) scores[t - begin] = -INFINITY;
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->k_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo, to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float s = score(block + (size_t)(t - first) * a->row_stride, q16, hd, single) * a->scale;
                scores[t - begin] = s;
                max = s > max ? s : max;
            }
        }
        double sum = 0.0;
        const __m512 vmax = _mm512_set1_ps(max);
        for (int32_t c = begin; c < end; c += 16) {
            const __m512 e = tern_fast_exp16(_mm512_sub_ps(_mm512_loadu_ps(scores + (c - begin)), vmax));
            _mm512_storeu_ps(scores + (c - begin), e);
            sum += (double)reduce16(e);
        }
        const __m512 inv = _mm512_set1_ps((float)(1.0 / sum));
        for (int32_t c = begin; c < end; c += 16) {
            const __m512 p = _mm512_mul_ps(_mm512_loadu_ps(scores + (c - begin)), inv);
            _mm512_storeu_ps(scores + (c - begin), _mm512_cvtph_ps(_mm512_cvtps_ph(p, _MM_FROUND_TO_NEAREST_INT)));
        }

        for (int j = 0; j < lanes * hd; j += 16) _mm512_storeu_ps(acc + j, _mm512_setzero_ps());
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->v_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo, to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float p = scores[t - begin];
                if (p == 0.0f) continue; /* adds exact zeros */
                const uint16_t *v = block + (size_t)(t - first) * a->row_stride;
                float *row = acc + (size_t)(t & (lanes - 1)) * hd;
                const __m512 vp = _mm512_set1_ps(p);
                for (int d = 0; d < hd; d += 16)
                    _mm512_storeu_ps(row + d, _mm512_fmadd_ps(load_h(v + d), vp, _mm512_loadu_ps(row + d)));
            }
        }
        for (int d = 0; d < hd; d += 16) {
            __m512 x[16];
            for (int l = 0; l < 16; l++) {
                if (single) {
                    const __m512 r0 = _mm512_loadu_ps(acc + (size_t)l * hd + d);
                    const __m512 r1 = _mm512_loadu_ps(acc + (size_t)(16 + l) * hd + d);
                    const __m512 r2 = _mm512_loadu_ps(acc + (size_t)(32 + l) * hd + d);
                    const __m512 r3 = _mm512_loadu_ps(acc + (size_t)(48 + l) * hd + d);
                    x[l] = _mm512_add_ps(_mm512_add_ps(r0, r2), _mm512_add_ps(r1, r3));
                } else {
                    x[l] = _mm512_loadu_ps(acc + (size_t)l * hd + d);
                }
            }
            __m512 t3[8], t6[4];
            for (int l = 0; l < 8; l++) t3[l] = _mm512_add_ps(x[l + 8], x[l]);
            for (int l = 0; l < 4; l++) t6[l] = _mm512_add_ps(t3[l + 4], t3[l]);
            _mm512_storeu_ps(out + d, _mm512_add_ps(_mm512_add_ps(t6[0], t6[2]), _mm512_add_ps(t6[1], t6[3])));
        }
    }
}
