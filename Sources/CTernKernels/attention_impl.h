/* One ISA instance of the paged attention kernel, included by attention.c once per ISA with
 * TERN_ATTN_TARGET (a function target attribute) and TERN_ATTN_NAME set; plain loops over
 * 16-lane arrays that each ISA vectorizes, with fmaf so every ISA rounds identically.
 *
 * The arithmetic is llama.cpp's CPU attention without flash attention, operation for operation,
 * so Tern's logits match llama.cpp's bit for bit. llama.cpp has two orders: batched passes use
 * llamafile's tinyBLAS (one fused chain per output over 16-wide slices), one-token passes use
 * ggml_vec_dot_f16 (four 16-lane accumulators over 64-element steps, combined (0+2)+(1+3)).
 *   q is rounded to fp16; score_t = dot(k_t, q) * scale; e_t = exp(score_t - max)
 *   (tern_fast_expf); sum = double sum of reduce16 over 16-position chunks;
 *   p_t = fp16(e_t * (float)(1/sum)); out_d = dot over positions of v_t[d] and p_t.
 * reduce16 is the fixed pairwise tree of GCC's _mm512_reduce_add_ps. Positions that a query may
 * not see contribute exact zeros, so a row's result never depends on which rows share a call. */

TERN_ATTN_TARGET
static float TERN_ATTN_FN(reduce16)(const float v[16]) {
    float t3[8], t6[4];
    for (int i = 0; i < 8; i++) t3[i] = v[i + 8] + v[i];
    for (int i = 0; i < 4; i++) t6[i] = t3[i + 4] + t3[i];
    return (t6[0] + t6[2]) + (t6[1] + t6[3]);
}

/* ggml_vec_dot_f16's tail: four accumulators (16 lanes each) combined as (0+2)+(1+3), reduced. */
TERN_ATTN_TARGET
static float TERN_ATTN_FN(reduce64)(const float *acc) {
    float v[16];
    for (int l = 0; l < 16; l++) v[l] = (acc[l] + acc[32 + l]) + (acc[16 + l] + acc[48 + l]);
    return TERN_ATTN_FN(reduce16)(v);
}

TERN_ATTN_TARGET
static const _Float16 *TERN_ATTN_FN(row)(const tern_attention_args *a, const uint16_t *base, int32_t position) {
    const size_t block = (size_t)a->block_table[position / a->block_size];
    return (const _Float16 *)(base + block * a->block_stride + (size_t)(position % a->block_size) * a->row_stride);
}

/* q.k in the order of the pass: tinyBLAS chain, or vec_dot_f16 steps (plus its double tail). */
TERN_ATTN_TARGET
static float TERN_ATTN_FN(score)(const _Float16 *k, const float *q, int hd, int single) {
    if (!single && hd % 16 == 0) {
        float lanes[16] = {0};
        for (int c = 0; c < hd; c += 16)
            for (int l = 0; l < 16; l++) lanes[l] = fmaf((float)k[c + l], q[c + l], lanes[l]);
        return TERN_ATTN_FN(reduce16)(lanes);
    }
    float acc[64] = {0};
    const int np = hd & ~63;
    for (int c = 0; c < np; c += 64)
        for (int j = 0; j < 64; j++) acc[j] = fmaf((float)k[c + j], q[c + j], acc[j]);
    double sum = TERN_ATTN_FN(reduce64)(acc);
    for (int d = np; d < hd; d++) sum += (double)((float)k[d] * q[d]);
    return (float)sum;
}

TERN_ATTN_TARGET
static void TERN_ATTN_NAME(const tern_attention_args *a, float *scratch) {
    const int hd = a->head_dim;
    const int single = a->single_token;
    float *q16 = scratch;          /* hd: the query rounded to fp16 */
    float *acc = q16 + hd;         /* hd x 64 lane accumulators of the value sums */
    float *scores = acc + 64 * hd; /* one per position of the widest query */
    for (int i = 0; i < a->q_count; i++) {
        const int32_t pos = a->q_positions[i];
        const int32_t lo = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
        const int32_t begin = lo / 64 * 64, end = pos / 64 * 64 + 64; /* whole 64-position steps */
        const float *q = a->q + (size_t)i * a->q_stride;
        float *out = a->out + (size_t)i * a->out_stride;
        for (int d = 0; d < hd; d++) q16[d] = (float)(_Float16)q[d];

        float max = -INFINITY;
        for (int32_t t = begin; t < end; t++) {
            float *s = scores + (t - begin);
            if (t < lo || t > pos) {
                *s = -INFINITY;
                continue;
            }
            *s = TERN_ATTN_FN(score)(TERN_ATTN_FN(row)(a, a->k_base, t), q16, hd, single) * a->scale;
            max = *s > max ? *s : max;
        }
        double sum = 0.0;
        for (int32_t c = begin; c < end; c += 16) {
            float e[16];
            for (int l = 0; l < 16; l++) {
                const float s = scores[c - begin + l];
                e[l] = s == -INFINITY ? 0.0f : tern_fast_expf(s - max);
                scores[c - begin + l] = e[l];
            }
            sum += (double)TERN_ATTN_FN(reduce16)(e);
        }
        const float inv = (float)(1.0 / sum);
        for (int32_t t = begin; t < end; t++) scores[t - begin] = (float)(_Float16)(scores[t - begin] * inv);

        /* value sums: position t feeds lane t%16 of accumulator (t%64)/16 in the one-token
         * order, lane t%16 of a single accumulator in the batched order */
        const int width = single ? 64 : 16;
        for (int j = 0; j < width * hd; j++) acc[j] = 0.0f;
        for (int32_t t = begin; t < end; t++) {
            const float p = scores[t - begin];
            if (p == 0.0f) continue; /* masked or underflowed: adds exact zeros */
            const _Float16 *v = TERN_ATTN_FN(row)(a, a->v_base, t);
            const int lane = single ? t % 64 : t % 16;
            for (int d = 0; d < hd; d++) acc[d * width + lane] = fmaf((float)v[d], p, acc[d * width + lane]);
        }
        for (int d = 0; d < hd; d++)
            out[d] = single ? TERN_ATTN_FN(reduce64)(acc + d * 64) : TERN_ATTN_FN(reduce16)(acc + d * 16);
    }
}
