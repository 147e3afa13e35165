/* The vectorized paged attention kernel, written once over 16-lane float vectors and included by
 * one file per ISA (attention_avx512.c: one __m512; attention_avx2.c: two __m256 halves). Before
 * including it, a file defines the type `v16` and these static inline functions with its target:
 *   v16_zero, v16_loadu, v16_storeu, v16_load_h (16 fp16 values), v16_round_h (to fp16 and back),
 *   v16_set1, v16_add, v16_sub, v16_mul, v16_fmadd, v16_exp (tern_fast_expf per lane) and
 *   v16_reduce (GCC's _mm512_reduce_add_ps tree: halves, quarters, then (0+2)+(1+3)),
 * and sets TERN_ATTN_SIMD_TARGET and TERN_ATTN_SIMD_NAME.
 *
 * The float order is exactly attention_impl.h's (llama.cpp's CPU attention without flash
 * attention), so results equal the generic version bit for bit (tests compare them): per key
 * position the dot product runs in 16-lane steps and one reduce tree; value sums are kept
 * transposed (one row of head_dim per lane) so every position adds with full-width fmas, and the
 * lanes are reduced once at the end with the same tree, vectorized over head dimensions. Needs
 * head_dim % 16 == 0 and block_size % 16 == 0; the dispatcher uses the generic version otherwise. */

/* score of one key row k against q (fp16-rounded, hd floats) */
TERN_ATTN_SIMD_TARGET static inline __attribute__((always_inline)) float
v16_score(const uint16_t *k, const float *q, int hd, int single) {
    if (!single) {
        v16 acc = v16_zero();
        for (int c = 0; c < hd; c += 16) acc = v16_fmadd(v16_load_h(k + c), v16_loadu(q + c), acc);
        return v16_reduce(acc);
    }
    /* ggml_vec_dot_f16: four accumulators over 64-element steps, combined (0+2)+(1+3), then a
     * double tail */
    v16 a0 = v16_zero(), a1 = a0, a2 = a0, a3 = a0;
    const int np = hd & ~63;
    for (int c = 0; c < np; c += 64) {
        a0 = v16_fmadd(v16_load_h(k + c), v16_loadu(q + c), a0);
        a1 = v16_fmadd(v16_load_h(k + c + 16), v16_loadu(q + c + 16), a1);
        a2 = v16_fmadd(v16_load_h(k + c + 32), v16_loadu(q + c + 32), a2);
        a3 = v16_fmadd(v16_load_h(k + c + 48), v16_loadu(q + c + 48), a3);
    }
    double sum = v16_reduce(v16_add(v16_add(a0, a2), v16_add(a1, a3)));
    for (int d = np; d < hd; d++) sum += (double)(_cvtsh_ss(k[d]) * q[d]);
    return (float)sum;
}

TERN_ATTN_SIMD_TARGET void TERN_ATTN_SIMD_NAME(const tern_attention_args *a, float *scratch) {
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
        for (int d = 0; d < hd; d += 16) v16_storeu(q16 + d, v16_round_h(v16_loadu(q + d)));

        float max = -INFINITY;
        for (int32_t t = begin; t < end; t++) scores[t - begin] = -INFINITY;
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->k_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo;
            const int32_t to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float s = v16_score(block + (size_t)(t - first) * a->row_stride, q16, hd, single) * a->scale;
                scores[t - begin] = s;
                max = s > max ? s : max;
            }
        }
        double sum = 0.0;
        const v16 vmax = v16_set1(max);
        for (int32_t c = begin; c < end; c += 16) {
            const v16 e = v16_exp(v16_sub(v16_loadu(scores + (c - begin)), vmax));
            v16_storeu(scores + (c - begin), e);
            sum += (double)v16_reduce(e);
        }
        const v16 inv = v16_set1((float)(1.0 / sum));
        for (int32_t c = begin; c < end; c += 16)
            v16_storeu(scores + (c - begin), v16_round_h(v16_mul(v16_loadu(scores + (c - begin)), inv)));

        for (int j = 0; j < lanes * hd; j += 16) v16_storeu(acc + j, v16_zero());
        for (int32_t first = lo / a->block_size * a->block_size; first <= pos; first += a->block_size) {
            const uint16_t *block = a->v_base + (size_t)a->block_table[first / a->block_size] * a->block_stride;
            const int32_t from = first > lo ? first : lo;
            const int32_t to = first + a->block_size - 1 < pos ? first + a->block_size - 1 : pos;
            for (int32_t t = from; t <= to; t++) {
                const float p = scores[t - begin];
                if (p == 0.0f) continue; /* adds exact zeros */
                const uint16_t *v = block + (size_t)(t - first) * a->row_stride;
                float *row = acc + (size_t)(t & (lanes - 1)) * hd;
                const v16 vp = v16_set1(p);
                for (int d = 0; d < hd; d += 16) v16_storeu(row + d, v16_fmadd(v16_load_h(v + d), vp, v16_loadu(row + d)));
            }
        }
        /* per head dimension, the reduce tree over the lane rows, 16 dimensions at a time */
        for (int d = 0; d < hd; d += 16) {
            v16 x[16];
            for (int l = 0; l < 16; l++) {
                if (single) {
                    const v16 r0 = v16_loadu(acc + (size_t)l * hd + d);
                    const v16 r1 = v16_loadu(acc + (size_t)(16 + l) * hd + d);
                    const v16 r2 = v16_loadu(acc + (size_t)(32 + l) * hd + d);
                    const v16 r3 = v16_loadu(acc + (size_t)(48 + l) * hd + d);
                    x[l] = v16_add(v16_add(r0, r2), v16_add(r1, r3));
                } else {
                    x[l] = v16_loadu(acc + (size_t)l * hd + d);
                }
            }
            v16 t3[8], t6[4];
            for (int l = 0; l < 8; l++) t3[l] = v16_add(x[l + 8], x[l]);
            for (int l = 0; l < 4; l++) t6[l] = v16_add(t3[l + 4], t3[l]);
            v16_storeu(out + d, v16_add(v16_add(t6[0], t6[2]), v16_add(t6[1], t6[3])));
        }
    }
}
