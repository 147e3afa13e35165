/* Scalar reference dots. They define the numerics every SIMD path reproduces bit for bit:
 *   32-element formats: per block b an exact integer isum_b = sum(wq * aq), then
 *     acc = fma((float)isum_b, dw_b * da_b, acc); acc = fma(mw_b, sa_b, acc) if the format has a min.
 *   K-quants: per super-block exact integers I1 (scaled sums), I2 (min sums), then
 *     acc = fma((float)I1, d * da, acc); acc = fma((float)I2, -(dmin * da), acc) (Q4_K/Q5_K).
 * Float formats: a plain sequential sum (SIMD paths differ only by summation order). */
#include <math.h>

#include "lane8.h"
#include "quant_layouts.h"

/* integer weights of one 32-element block; returns dw, and mw (0 when the format has none) */
static void q32_int(int t, const uint8_t *p, int wq[32], float *dw, float *mw, int *has_min) {
    *mw = 0.0f;
    *has_min = 0;
    switch (t) {
    case TERN_TYPE_Q8_0: {
        const blk_q8_0 *x = (const blk_q8_0 *)p;
        *dw = tern_h2f(x->d);
        for (int j = 0; j < 32; j++) wq[j] = x->qs[j];
        return;
    }
    case TERN_TYPE_Q4_0:
    case TERN_TYPE_Q4_1: {
        const uint8_t *qs = t == TERN_TYPE_Q4_0 ? ((const blk_q4_0 *)p)->qs : ((const blk_q4_1 *)p)->qs;
        const int off = t == TERN_TYPE_Q4_0 ? 8 : 0;
        for (int j = 0; j < 16; j++) {
            wq[j] = (qs[j] & 0xF) - off;
            wq[j + 16] = (qs[j] >> 4) - off;
        }
        if (t == TERN_TYPE_Q4_0) {
            *dw = tern_h2f(((const blk_q4_0 *)p)->d);
        } else {
            *dw = tern_h2f(((const blk_q4_1 *)p)->d);
            *mw = tern_h2f(((const blk_q4_1 *)p)->m);
            *has_min = 1;
        }
        return;
    }
    default: { /* Q5_0, Q5_1 */
        const int one = t == TERN_TYPE_Q5_1;
        const uint8_t *qs = one ? ((const blk_q5_1 *)p)->qs : ((const blk_q5_0 *)p)->qs;
        uint32_t qh;
        memcpy(&qh, one ? ((const blk_q5_1 *)p)->qh : ((const blk_q5_0 *)p)->qh, 4);
        const int off = one ? 0 : 16;
        for (int j = 0; j < 16; j++) {
            wq[j] = ((qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4)) - off;
            wq[j + 16] = ((qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4)) - off;
        }
        if (one) {
            *dw = tern_h2f(((const blk_q5_1 *)p)->d);
            *mw = tern_h2f(((const blk_q5_1 *)p)->m);
            *has_min = 1;
        } else {
            *dw = tern_h2f(((const blk_q5_0 *)p)->d);
        }
        return;
    }
    }
}

static float dot_q32(int t, int k, const uint8_t *w, const uint8_t *act) {
    const act_blk *a = (const act_blk *)act;
    const size_t bb = tern_type_block_bytes(t);
    float acc = 0.0f;
    for (int b = 0; b < k / QK32; b++) {
        int wq[32], has_min;
        float dw, mw;
        q32_int(t, w + (size_t)b * bb, wq, &dw, &mw, &has_min);
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += wq[j] * a[b].qs[j];
        acc = fmaf((float)isum, dw * a[b].d, acc);
        if (has_min) acc = fmaf(mw, a[b].s, acc);
    }
    return acc;
}

static float dot_kq(int t, int k, const uint8_t *w, const uint8_t *act) {
    const act_blk_k *a = (const act_blk_k *)act;
    float acc = 0.0f;
    for (int b = 0; b < k / QKK; b++) {
        const int8_t *q8 = a[b].qs;
        const int16_t *bs = a[b].bsums;
        const float da = a[b].d;
        if (t == TERN_TYPE_Q6_K) {
            const blk_q6_k *x = (const blk_q6_k *)w + b;
            int i1 = 0;
            for (int e = 0; e < QKK; e += 16) {
                int s = 0;
                for (int l = e; l < e + 16; l++) {
                    const int n = l / 128, r = l % 128, part = r / 32, ll = r % 32;
                    const uint8_t lo = x->ql[64 * n + ll + 32 * (part & 1)];
                    const int q4 = (part < 2) ? (lo & 0xF) : (lo >> 4);
                    const int q = q4 | (((x->qh[32 * n + ll] >> (2 * part)) & 3) << 4);
                    s += (q - 32) * q8[l];
                }
                i1 += x->scales[e / 16] * s;
            }
            acc = fmaf((float)i1, tern_h2f(x->d) * da, acc);
            continue;
        }
        const int five = t == TERN_TYPE_Q5_K;
        const uint8_t *scales = five ? ((const blk_q5_k *)w + b)->scales : ((const blk_q4_k *)w + b)->scales;
        const uint8_t *qs = five ? ((const blk_q5_k *)w + b)->qs : ((const blk_q4_k *)w + b)->qs;
        const uint16_t hd = five ? ((const blk_q5_k *)w + b)->d : ((const blk_q4_k *)w + b)->d;
        const uint16_t hm = five ? ((const blk_q5_k *)w + b)->dmin : ((const blk_q4_k *)w + b)->dmin;
        int i1 = 0, i2 = 0;
        for (int j = 0; j < 8; j++) {
            int sc, mn;
            tern_k4_scale_min(j, scales, &sc, &mn);
            const int c = j / 2, hi = j & 1;
            int s = 0;
            for (int l = 0; l < 32; l++) {
                int q = hi ? (qs[32 * c + l] >> 4) : (qs[32 * c + l] & 0xF);
                if (five) q |= ((((const blk_q5_k *)w + b)->qh[l] >> j) & 1) << 4;
                s += q * q8[32 * j + l];
            }
            i1 += sc * s;
            i2 += mn * (bs[2 * j] + bs[2 * j + 1]);
        }
        acc = fmaf((float)i1, tern_h2f(hd) * da, acc);
        acc = fmaf((float)i2, -(tern_h2f(hm) * da), acc);
    }
    return acc;
}

static float dot_float(int t, int k, const uint8_t *w, const uint8_t *act) {
    const float *a = (const float *)act;
    float acc = 0.0f;
    for (int i = 0; i < k; i++) {
        float wv;
        if (t == TERN_TYPE_F32) {
            memcpy(&wv, w + 4 * i, 4);
        } else {
            uint16_t h;
            memcpy(&h, w + 2 * i, 2);
            wv = t == TERN_TYPE_F16 ? tern_h2f(h) : tern_bf2f(h);
        }
        acc += wv * a[i];
    }
    return acc;
}

float tern_dot_scalar(int t, int k, const uint8_t *w, const uint8_t *act) {
    if (tern_is_lane8(t)) return tern_dot_lane8_scalar(t, k, w, act);
    if (tern_is_q32(t)) return dot_q32(t, k, w, act);
    if (tern_is_kquant(t)) return dot_kq(t, k, w, act);
    return dot_float(t, k, w, act);
}

void tern_mm_scalar(int t, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                    int m, float *y, size_t ys) {
    for (int i = 0; i < m; i++)
        for (int j = n0; j < n1; j++) y[(size_t)i * ys + j] = tern_dot_scalar(t, k, w + (size_t)j * wrb, act + (size_t)i * arb);
}
