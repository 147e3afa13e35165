/* One ISA instance of the paged attention kernel. Included by attention.c once per ISA with
 * TERN_ATTN_TARGET (a function target attribute) and TERN_ATTN_NAME (the function name) set, so
 * the same straightforward loops are vectorised for AVX-512, AVX2 and the scalar baseline. */

TERN_ATTN_TARGET
static void TERN_ATTN_NAME(const tern_attention_args *a, float *scratch) {
    const int bs = a->block_size;
    const int hd = a->head_dim;
    const int nq = a->q_count;
    float *kt = scratch;                 /* keys, transposed: kt[d * bs + t] */
    float *vf = kt + (size_t)bs * hd;    /* values: vf[t * hd + d] */
    float *s = vf + (size_t)bs * hd;     /* scores of one query row: s[t] */
    float *m = s + bs;                   /* running max per query row */
    float *l = m + nq;                   /* running softmax denominator per query row */

    int32_t max_pos = -1;
    int32_t min_start = INT32_MAX;
    for (int i = 0; i < nq; i++) {
        const int32_t pos = a->q_positions[i];
        if (pos > max_pos) max_pos = pos;
        const int32_t start = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
        if (start < min_start) min_start = start;
        m[i] = -INFINITY;
        l[i] = 0.0f;
        float *o = a->out + (size_t)i * a->out_stride;
        for (int d = 0; d < hd; d++) o[d] = 0.0f;
    }
    if (max_pos < 0) return;

    for (int b = min_start / bs; b <= max_pos / bs; b++) {
        const int32_t first = b * bs;
        const int rows = max_pos - first + 1 < bs ? max_pos - first + 1 : bs;
        const size_t block = (size_t)a->block_table[b] * a->block_stride;
        const _Float16 *kb = (const _Float16 *)(a->k_base + block);
        const _Float16 *vb = (const _Float16 *)(a->v_base + block);
        /* Unused slots become zeros so every query row always runs the same full-width loops:
         * masked entries then add exact zeros, keeping results independent of the group. */
        for (int t = 0; t < bs; t++) {
            const _Float16 *kr = kb + (size_t)t * a->row_stride;
            const _Float16 *vr = vb + (size_t)t * a->row_stride;
            float *vo = vf + (size_t)t * hd;
            if (t < rows) {
                for (int d = 0; d < hd; d++) kt[(size_t)d * bs + t] = (float)kr[d];
                for (int d = 0; d < hd; d++) vo[d] = (float)vr[d];
            } else {
                for (int d = 0; d < hd; d++) kt[(size_t)d * bs + t] = 0.0f;
                for (int d = 0; d < hd; d++) vo[d] = 0.0f;
            }
        }
        for (int i = 0; i < nq; i++) {
            const int32_t pos = a->q_positions[i];
            const int32_t lo = a->window > 0 && pos - a->window + 1 > 0 ? pos - a->window + 1 : 0;
            if (pos < first || lo > first + bs - 1) continue;
            const float *q = a->q + (size_t)i * a->q_stride;
            for (int t = 0; t < bs; t++) s[t] = 0.0f;
            for (int d = 0; d < hd; d++) {
                const float qd = q[d];
                const float *kr = kt + (size_t)d * bs;
                for (int t = 0; t < bs; t++) s[t] += qd * kr[t];
            }
            float block_max = -INFINITY;
            for (int t = 0; t < bs; t++) {
                const int32_t kp = first + t;
                s[t] = (kp <= pos && kp >= lo) ? s[t] * a->scale : -INFINITY;
                block_max = s[t] > block_max ? s[t] : block_max;
            }
            const float m_new = block_max > m[i] ? block_max : m[i];
            const float correction = expf(m[i] - m_new);
            float sum = 0.0f;
            for (int t = 0; t < bs; t++) {
                s[t] = expf(s[t] - m_new);
                sum += s[t];
            }
            l[i] = l[i] * correction + sum;
            m[i] = m_new;
            float *o = a->out + (size_t)i * a->out_stride;
            for (int d = 0; d < hd; d++) o[d] *= correction;
            for (int t = 0; t < bs; t++) {
                const float p = s[t];
                const float *vr = vf + (size_t)t * hd;
                for (int d = 0; d < hd; d++) o[d] += p * vr[d];
            }
        }
    }
    for (int i = 0; i < nq; i++) {
        float *o = a->out + (size_t)i * a->out_stride;
        const float inv = l[i] > 0.0f ? 1.0f / l[i] : 0.0f;
        for (int d = 0; d < hd; d++) o[d] *= inv;
    }
}
