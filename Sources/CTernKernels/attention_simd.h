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
 * head_dim % 16 == 0 and block_size % 16 == 0; the dispatcher uses the generic version otherwise.
 * Batched passes take the query rows QG at a time, so each key and value row is converted while
 * in L1 for several queries, and keep value sums in registers per lane row (a query's chains are
 * unchanged). A file also defines v16_reduce4: v16_reduce of four vectors at once. */

enum { QG = 4 };

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

/* The softmax of one query's scores in [begin, end) (masked entries are -inf): exp, a double sum
 * per 16-position chunk, and probabilities rounded to fp16, in place. */
TERN_ATTN_SIMD_TARGET static inline __attribute__((always_inline)) void
v16_softmax(float *scores, int32_t count, float max) {
    double sum = 0.0;
    const v16 vmax = v16_set1(max);
    for (int32_t c = 0; c < count; c += 16) {
        const v16 e = v16_exp(v16_sub(v16_loadu(scores + c), vmax));
        v16_storeu(scores + c, e);
        sum += (double)v16_reduce(e);
    }
    const v16 inv = v16_set1((float)(1.0 / sum));
    for (int32_t c = 0; c < count; c += 16) v16_storeu(scores + c, v16_round_h(v16_mul(v16_loadu(scores + c), inv)));
}

/* out[d] = the reduce tree over the lane rows of `acc` (16 rows, or 64 combined (0+2)+(1+3) in
 * the one-token order), 16 head dimensions at a time */
TERN_ATTN_SIMD_TARGET static inline __attribute__((always_inline)) void
v16_reduce_rows(const float *acc, int hd, int single, float *out) {
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

/* Calls `body` for every position t in [from, to] with `row`, its row in the paged cache at
 * `base`, walking whole blocks (no division per position). */
#define V16_FOR_ROWS(a, base, from, to, body)                                                                  \
    for (int32_t first_ = (from) / (a)->block_size * (a)->block_size; first_ <= (to); first_ += (a)->block_size) { \
        const uint16_t *block_ = (base) + (size_t)(a)->block_table[first_ / (a)->block_size] * (a)->block_stride; \
        const int32_t lo_ = first_ > (from) ? first_ : (from);                                                  \
        const int32_t hi_ = first_ + (a)->block_size - 1 < (to) ? first_ + (a)->block_size - 1 : (to);         \
        for (int32_t t = lo_; t <= hi_; t++) {                                                                  \
            const uint16_t *row = block_ + (size_t)(t - first_) * (a)->row_stride;                              \
            body                                                                                                \
        }                                                                                                       \
    }

/* One query row at a time (the one-token order, and any single query). */
TERN_ATTN_SIMD_TARGET static void v16_attention_row(const tern_attention_args *a, int i, float *scratch) {
    const int hd = a->head_dim, single = a->single_token, lanes = single ? 64 : 16;
    float *q16 = scratch;          /* hd */
    float *acc = q16 + hd;         /* lanes x hd: row `lane` sums the positions t with t % lanes == lane */
    float *scores = acc + 64 * hd; /* positions of the widest query */
    const int32_t pos = a->q_positions[i];
    const int32_t lo = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
    const int32_t begin = lo / 64 * 64, end = pos / 64 * 64 + 64;
    const float *q = a->q + (size_t)i * a->q_stride;
    for (int d = 0; d < hd; d += 16) v16_storeu(q16 + d, v16_round_h(v16_loadu(q + d)));

    float max = -INFINITY;
    for (int32_t t = begin; t < end; t++) scores[t - begin] = -INFINITY;
    V16_FOR_ROWS(a, a->k_base, lo, pos, {
        const float s = v16_score(row, q16, hd, single) * a->scale;
        scores[t - begin] = s;
        max = s > max ? s : max;
    })
    v16_softmax(scores, end - begin, max);

    for (int j = 0; j < lanes * hd; j += 16) v16_storeu(acc + j, v16_zero());
    V16_FOR_ROWS(a, a->v_base, lo, pos, {
        const float p = scores[t - begin];
        if (p == 0.0f) continue; /* adds exact zeros */
        float *sums = acc + (size_t)(t & (lanes - 1)) * hd;
        const v16 vp = v16_set1(p);
        for (int d = 0; d < hd; d += 16) v16_storeu(sums + d, v16_fmadd(v16_load_h(row + d), vp, v16_loadu(sums + d)));
    })
    v16_reduce_rows(acc, hd, single, a->out + (size_t)i * a->out_stride);
}

/* QG query rows of a batched pass together; with fewer, the rest are empty (no positions). */
TERN_ATTN_SIMD_TARGET static void v16_attention_group(const tern_attention_args *a, int i0, int count, float *scratch) {
    const int hd = a->head_dim;
    float *q16 = scratch;          /* QG x hd */
    float *acc = q16 + QG * hd;    /* QG x 16 x hd */
    float *scores = acc + QG * 16 * hd;
    int32_t pos[QG], lo[QG], begin[QG], end[QG];
    float *sc[QG], max[QG];
    int32_t first = INT32_MAX, last = 0;
    for (int g = 0; g < QG; g++) {
        const int i = i0 + (g < count ? g : 0);
        if (g < count) {
            pos[g] = a->q_positions[i];
            lo[g] = a->window > 0 && pos[g] - a->window + 1 > 0 ? pos[g] - a->window + 1 : 0;
            first = lo[g] < first ? lo[g] : first;
            last = pos[g] > last ? pos[g] : last;
        } else {
            lo[g] = 1, pos[g] = 0; /* empty: every position is masked */
        }
        begin[g] = lo[g] / 64 * 64;
        end[g] = pos[g] / 64 * 64 + 64;
        sc[g] = g == 0 ? scores : sc[g - 1] + (end[g - 1] - begin[g - 1]);
        max[g] = -INFINITY;
        const float *q = a->q + (size_t)i * a->q_stride;
        for (int d = 0; d < hd; d += 16) v16_storeu(q16 + g * hd + d, v16_round_h(v16_loadu(q + d)));
        for (int32_t t = begin[g]; t < end[g]; t++) sc[g][t - begin[g]] = -INFINITY;
    }

    V16_FOR_ROWS(a, a->k_base, first, last, {
        v16 dot[QG];
        for (int g = 0; g < QG; g++) dot[g] = v16_zero();
        for (int c = 0; c < hd; c += 16) {
            const v16 kc = v16_load_h(row + c);
            for (int g = 0; g < QG; g++) dot[g] = v16_fmadd(kc, v16_loadu(q16 + g * hd + c), dot[g]);
        }
        float s[QG];
        v16_reduce4(dot, s);
        for (int g = 0; g < QG; g++) {
            if (t < lo[g] || t > pos[g]) continue;
            s[g] *= a->scale;
            sc[g][t - begin[g]] = s[g];
            max[g] = s[g] > max[g] ? s[g] : max[g];
        }
    })
    for (int g = 0; g < count; g++) v16_softmax(sc[g], end[g] - begin[g], max[g]);

    /* Value sums: lane row l of a query sums the positions t = l (mod 16) in order. For each lane,
     * two queries and 32 head dimensions at a time, the sums stay in registers while those
     * positions go by (each value slice converted once for both queries) and are stored once. */
    const uint16_t **vrow = (const uint16_t **)(sc[QG - 1] + (end[QG - 1] - begin[QG - 1])); /* t - first */
    V16_FOR_ROWS(a, a->v_base, first, last, { vrow[t - first] = row; })
    for (int l = 0; l < 16; l++) {
        const int32_t t0 = first + ((l - first) & 15);
        for (int g0 = 0; g0 < count; g0 += 2)
            for (int d = 0; d < hd; d += 32) {
                const int two = d + 32 <= hd; /* two 16-dimension slices, or the last one alone */
                v16 sum[2][2];
                for (int g = 0; g < 2; g++) sum[g][0] = sum[g][1] = v16_zero();
                for (int32_t t = t0; t <= last; t += 16) {
                    const uint16_t *v = vrow[t - first] + d;
                    const v16 v0 = v16_load_h(v), v1 = two ? v16_load_h(v + 16) : v0;
                    for (int g = 0; g < 2; g++) {
                        const int q = g0 + g;
                        if (t < lo[q] || t > pos[q]) continue;
                        const float p = sc[q][t - begin[q]];
                        if (p == 0.0f) continue; /* zeros add nothing */
                        const v16 vp = v16_set1(p);
                        sum[g][0] = v16_fmadd(v0, vp, sum[g][0]);
                        sum[g][1] = v16_fmadd(v1, vp, sum[g][1]);
                    }
                }
                for (int g = 0; g < 2 && g0 + g < count; g++) {
                    float *row = acc + ((size_t)(g0 + g) * 16 + (size_t)l) * hd + d;
                    v16_storeu(row, sum[g][0]);
                    if (two) v16_storeu(row + 16, sum[g][1]);
                }
            }
    }
    for (int g = 0; g < count; g++) v16_reduce_rows(acc + (size_t)g * 16 * hd, hd, 0, a->out + (size_t)(i0 + g) * a->out_stride);
}

TERN_ATTN_SIMD_TARGET void TERN_ATTN_SIMD_NAME(const tern_attention_args *a, float *scratch) {
    if (a->single_token) {
        for (int i = 0; i < a->q_count; i++) v16_attention_row(a, i, scratch);
        return;
    }
    for (int i0 = 0; i0 < a->q_count; i0 += QG) {
        const int count = a->q_count - i0 < QG ? a->q_count - i0 : QG;
        if (count == 1) v16_attention_row(a, i0, scratch);
        else v16_attention_group(a, i0, count, scratch);
    }
}
