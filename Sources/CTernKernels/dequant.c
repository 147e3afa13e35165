/* Weight rows -> f32 (scalar; exact, used for embeddings and as the test reference),
 * and the type table. */
#include "quant_layouts.h"

int tern_type_supported(int t) { return tern_is_float(t) || tern_is_q32(t) || tern_is_kquant(t); }

int tern_type_block_size(int t) {
    if (tern_is_float(t)) return 1;
    if (tern_is_q32(t)) return QK32;
    if (tern_is_kquant(t)) return QKK;
    return 0;
}

size_t tern_type_block_bytes(int t) {
    switch (t) {
    case TERN_TYPE_F32: return 4;
    case TERN_TYPE_F16: return 2;
    case TERN_TYPE_BF16: return 2;
    case TERN_TYPE_Q4_0: return sizeof(blk_q4_0);
    case TERN_TYPE_Q4_1: return sizeof(blk_q4_1);
    case TERN_TYPE_Q5_0: return sizeof(blk_q5_0);
    case TERN_TYPE_Q5_1: return sizeof(blk_q5_1);
    case TERN_TYPE_Q8_0: return sizeof(blk_q8_0);
    case TERN_TYPE_Q4_K: return sizeof(blk_q4_k);
    case TERN_TYPE_Q5_K: return sizeof(blk_q5_k);
    case TERN_TYPE_Q6_K: return sizeof(blk_q6_k);
    }
    return 0;
}

size_t tern_weight_row_bytes(int t, int k) {
    const int bs = tern_type_block_size(t);
    if (bs == 0 || k <= 0 || k % bs) return 0;
    return (size_t)(k / bs) * tern_type_block_bytes(t);
}

static void deq_q4_k(const blk_q4_k *x, float *y) {
    const float d = tern_h2f(x->d), dmin = tern_h2f(x->dmin);
    const uint8_t *q = x->qs;
    for (int c = 0; c < 4; c++) {
        int sc0, m0, sc1, m1;
        tern_k4_scale_min(2 * c, x->scales, &sc0, &m0);
        tern_k4_scale_min(2 * c + 1, x->scales, &sc1, &m1);
        const float d0 = d * (float)sc0, mm0 = dmin * (float)m0;
        const float d1 = d * (float)sc1, mm1 = dmin * (float)m1;
        for (int l = 0; l < 32; l++) y[64 * c + l] = d0 * (float)(q[l] & 0xF) - mm0;
        for (int l = 0; l < 32; l++) y[64 * c + 32 + l] = d1 * (float)(q[l] >> 4) - mm1;
        q += 32;
    }
}

static void deq_q5_k(const blk_q5_k *x, float *y) {
    const float d = tern_h2f(x->d), dmin = tern_h2f(x->dmin);
    const uint8_t *q = x->qs;
    for (int c = 0; c < 4; c++) {
        int sc0, m0, sc1, m1;
        tern_k4_scale_min(2 * c, x->scales, &sc0, &m0);
        tern_k4_scale_min(2 * c + 1, x->scales, &sc1, &m1);
        const float d0 = d * (float)sc0, mm0 = dmin * (float)m0;
        const float d1 = d * (float)sc1, mm1 = dmin * (float)m1;
        const int u0 = 1 << (2 * c), u1 = 2 << (2 * c);
        for (int l = 0; l < 32; l++)
            y[64 * c + l] = d0 * (float)((q[l] & 0xF) + (x->qh[l] & u0 ? 16 : 0)) - mm0;
        for (int l = 0; l < 32; l++)
            y[64 * c + 32 + l] = d1 * (float)((q[l] >> 4) + (x->qh[l] & u1 ? 16 : 0)) - mm1;
        q += 32;
    }
}

static void deq_q6_k(const blk_q6_k *x, float *y) {
    const float d = tern_h2f(x->d);
    for (int n = 0; n < 2; n++) {
        const uint8_t *ql = x->ql + 64 * n, *qh = x->qh + 32 * n;
        const int8_t *sc = x->scales + 8 * n;
        float *yy = y + 128 * n;
        for (int l = 0; l < 32; l++) {
            const int is = l / 16;
            const int q1 = (int)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = (int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            yy[l] = d * (float)sc[is] * (float)q1;
            yy[l + 32] = d * (float)sc[is + 2] * (float)q2;
            yy[l + 64] = d * (float)sc[is + 4] * (float)q3;
            yy[l + 96] = d * (float)sc[is + 6] * (float)q4;
        }
    }
}

int tern_dequantize_row(int t, const void *src, float *y, int k) {
    if (!src || !y || tern_weight_row_bytes(t, k) == 0) return -1;
    const uint8_t *p = (const uint8_t *)src;
    switch (t) {
    case TERN_TYPE_F32: memcpy(y, src, (size_t)k * 4); return 0;
    case TERN_TYPE_F16:
        for (int i = 0; i < k; i++) { uint16_t h; memcpy(&h, p + 2 * i, 2); y[i] = tern_h2f(h); }
        return 0;
    case TERN_TYPE_BF16:
        for (int i = 0; i < k; i++) { uint16_t h; memcpy(&h, p + 2 * i, 2); y[i] = tern_bf2f(h); }
        return 0;
    }
    if (tern_is_kquant(t)) {
        for (int b = 0; b < k / QKK; b++) {
            if (t == TERN_TYPE_Q4_K) deq_q4_k((const blk_q4_k *)p + b, y + b * QKK);
            else if (t == TERN_TYPE_Q5_K) deq_q5_k((const blk_q5_k *)p + b, y + b * QKK);
            else deq_q6_k((const blk_q6_k *)p + b, y + b * QKK);
        }
        return 0;
    }
    for (int b = 0; b < k / QK32; b++) {
        float *yb = y + b * QK32;
        switch (t) {
        case TERN_TYPE_Q8_0: {
            const blk_q8_0 *x = (const blk_q8_0 *)p + b;
            const float d = tern_h2f(x->d);
            for (int j = 0; j < 32; j++) yb[j] = (float)x->qs[j] * d;
            break;
        }
        case TERN_TYPE_Q4_0: {
            const blk_q4_0 *x = (const blk_q4_0 *)p + b;
            const float d = tern_h2f(x->d);
            for (int j = 0; j < 16; j++) {
                yb[j] = (float)((x->qs[j] & 0xF) - 8) * d;
                yb[j + 16] = (float)((x->qs[j] >> 4) - 8) * d;
            }
            break;
        }
        case TERN_TYPE_Q4_1: {
            const blk_q4_1 *x = (const blk_q4_1 *)p + b;
            const float d = tern_h2f(x->d), m = tern_h2f(x->m);
            for (int j = 0; j < 16; j++) {
                const float a = (float)(x->qs[j] & 0xF) * d, c = (float)(x->qs[j] >> 4) * d;
                yb[j] = a + m;
                yb[j + 16] = c + m;
            }
            break;
        }
        case TERN_TYPE_Q5_0: {
            const blk_q5_0 *x = (const blk_q5_0 *)p + b;
            const float d = tern_h2f(x->d);
            uint32_t qh;
            memcpy(&qh, x->qh, 4);
            for (int j = 0; j < 16; j++) {
                const int lo = (x->qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
                const int hi = (x->qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
                yb[j] = (float)(lo - 16) * d;
                yb[j + 16] = (float)(hi - 16) * d;
            }
            break;
        }
        case TERN_TYPE_Q5_1: {
            const blk_q5_1 *x = (const blk_q5_1 *)p + b;
            const float d = tern_h2f(x->d), m = tern_h2f(x->m);
            uint32_t qh;
            memcpy(&qh, x->qh, 4);
            for (int j = 0; j < 16; j++) {
                const int lo = (x->qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
                const int hi = (x->qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
                const float a = (float)lo * d, c = (float)hi * d;
                yb[j] = a + m;
                yb[j + 16] = c + m;
            }
            break;
        }
        }
    }
    return 0;
}
