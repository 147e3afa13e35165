/* AVX2 paged attention with the exact float order of attention_impl.h (llama.cpp's CPU attention
 * without flash attention). It is the AVX-512 kernel with every 16-lane vector held as two 8-lane
 * halves (lanes 0-7, 8-15): each lane sees the same fmas, and the 16-lane reduce tree starts by
 * adding the halves, so results equal the generic version bit for bit (tests compare them). The
 * generic version's strided value sums and scalar exp cost half of a prompt pass on AVX2; here
 * value sums are kept transposed and exp runs eight lanes at a time. Needs head_dim % 16 == 0 and
 * block_size % 16 == 0; otherwise the dispatcher uses the generic version. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "fast_exp.h"
#include "tern_attention.h"

#define T256 __attribute__((target("avx2,f16c,fma")))
#define INL static inline __attribute__((always_inline))

/* GCC's _mm512_reduce_add_ps tree on a 16-lane vector given as halves: halves, quarters, then
 * (0+2)+(1+3). */
T256 INL float reduce16(__m256 lo, __m256 hi) {
    const __m256 t3 = _mm256_add_ps(hi, lo);
    const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(_mm_add_ss(t8, _mm_movehdup_ps(t8)));
}

T256 INL __m256 load_h(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }

/* score of one key row k against q (fp16-rounded, hd floats) */
T256 INL float score(const uint16_t *k, const float *q, int hd, int single) {
    if (!single) {
        __m256 lo = _mm256_setzero_ps(), hi = lo;
        for (int c = 0; c < hd; c += 16) {
            lo = _mm256_fmadd_ps(load_h(k + c), _mm256_loadu_ps(q + c), lo);
            hi = _mm256_fmadd_ps(load_h(k + c + 8), _mm256_loadu_ps(q + c + 8), hi);
        }
        return reduce16(lo, hi);
    }
    /* four 16-lane accumulators: accumulator m is a[2m] (lanes 0-7) and a[2m+1] (lanes 8-15) */
    __m256 a[8];
    for (int j = 0; j < 8; j++) a[j] = _mm256_setzero_ps();
    const int np = hd & ~63;
    for (int c = 0; c < np; c += 64)
        for (int j = 0; j < 8; j++) a[j] = _mm256_fmadd_ps(load_h(k + c + 8 * j), _mm256_loadu_ps(q + c + 8 * j), a[j]);
    const __m256 lo = _mm256_add_ps(_mm256_add_ps(a[0], a[4]), _mm256_add_ps(a[2], a[6]));
    const __m256 hi = _mm256_add_ps(_mm256_add_ps(a[1], a[5]), _mm256_add_ps(a[3], a[7]));
    double sum = reduce16(lo, hi);
    for (int d = np; d < hd; d++) sum += (double)(_cvtsh_ss(k[d]) * q[d]);
    return (float)sum;
}

T256 void tern_attention_avx2(const tern_attention_args *a, float *scratch) {
    const int hd = a->head_dim, single = a->single_token, lanes = single ? 64 : 16;
    float *q16 = scratch;          /* hd */
    float *acc = q16 + hd;         /* lanes x hd: row `lane` sums the positions t with t % lanes == lane */
    float *scores = acc + 64 * hd; /* positions of the widest query */
    for (int i = 0; i < a->q_count; i++) {
        const int32_t pos = a->q_positions[i];
        const int32_t lo = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
        const int32_t begin = lo / 64 * 64, end = pos / 64 * 64 + 64;
        const float *q = a->q + (size_t)i * a->q_stride;
        float *out = a->out + (size_t)i * a->out_stride;
        for (int d = 0; d < hd; d += 8)
            _mm256_storeu_ps(q16 + d, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(q + d), _MM_FROUND_TO_NEAREST_INT)));

        float max = -INFINITY;
        for (int32_t t = begin; t < end; t++) scores[t - begin] = -INFINITY;
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->k_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo;
            const int32_t to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float s = score(block + (size_t)(t - first) * a->row_stride, q16, hd, single) * a->scale;
                scores[t - begin] = s;
                max = s > max ? s : max;
            }
        }
        double sum = 0.0;
        const __m256 vmax = _mm256_set1_ps(max);
        for (int32_t c = begin; c < end; c += 16) {
            float *s = scores + (c - begin);
            const __m256 e0 = tern_fast_exp8(_mm256_sub_ps(_mm256_loadu_ps(s), vmax));
            const __m256 e1 = tern_fast_exp8(_mm256_sub_ps(_mm256_loadu_ps(s + 8), vmax));
            _mm256_storeu_ps(s, e0);
            _mm256_storeu_ps(s + 8, e1);
            sum += (double)reduce16(e0, e1);
        }
        const __m256 inv = _mm256_set1_ps((float)(1.0 / sum));
        for (int32_t c = begin; c < end; c += 8) {
            const __m256 p = _mm256_mul_ps(_mm256_loadu_ps(scores + (c - begin)), inv);
            _mm256_storeu_ps(scores + (c - begin), _mm256_cvtph_ps(_mm256_cvtps_ph(p, _MM_FROUND_TO_NEAREST_INT)));
        }

        for (int j = 0; j < lanes * hd; j += 8) _mm256_storeu_ps(acc + j, _mm256_setzero_ps());
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->v_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo;
            const int32_t to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float p = scores[t - begin];
                if (p == 0.0f) continue; /* adds exact zeros */
                const uint16_t *v = block + (size_t)(t - first) * a->row_stride;
                float *row = acc + (size_t)(t & (lanes - 1)) * hd;
                const __m256 vp = _mm256_set1_ps(p);
                for (int d = 0; d < hd; d += 8)
                    _mm256_storeu_ps(row + d, _mm256_fmadd_ps(load_h(v + d), vp, _mm256_loadu_ps(row + d)));
            }
        }
        /* per head dimension, the 16-lane tree over the lane rows, eight dimensions at a time */
        for (int d = 0; d < hd; d += 8) {
            __m256 x[16];
            for (int l = 0; l < 16; l++) {
                if (single) {
                    const __m256 r0 = _mm256_loadu_ps(acc + (size_t)l * hd + d);
                    const __m256 r1 = _mm256_loadu_ps(acc + (size_t)(16 + l) * hd + d);
                    const __m256 r2 = _mm256_loadu_ps(acc + (size_t)(32 + l) * hd + d);
                    const __m256 r3 = _mm256_loadu_ps(acc + (size_t)(48 + l) * hd + d);
                    x[l] = _mm256_add_ps(_mm256_add_ps(r0, r2), _mm256_add_ps(r1, r3));
                } else {
                    x[l] = _mm256_loadu_ps(acc + (size_t)l * hd + d);
                }
            }
            __m256 t3[8], t6[4];
            for (int l = 0; l < 8; l++) t3[l] = _mm256_add_ps(x[l + 8], x[l]);
            for (int l = 0; l < 4; l++) t6[l] = _mm256_add_ps(t3[l + 4], t3[l]);
            _mm256_storeu_ps(out + d, _mm256_add_ps(_mm256_add_ps(t6[0], t6[2]), _mm256_add_ps(t6[1], t6[3])));
        }
    }
}
