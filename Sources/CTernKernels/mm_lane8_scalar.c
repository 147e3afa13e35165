/* Scalar reference of the lane8 order (see lane8.h): the same float operations, one at a time. */
#include <math.h>
#include <string.h>

#include "lane8.h"

float tern_dot_lane8_scalar(int t, int k, const uint8_t *w, const uint8_t *act) {
    const act_blk *a = (const act_blk *)act;
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    float summs = 0.0f;
    for (int b = 0; b < k / QK32; b++) {
        int q[32];
        float dw;
        if (t == TERN_TYPE_Q4_1) {
            const blk_q4_1 *x = (const blk_q4_1 *)w + b;
            for (int j = 0; j < 16; j++) {
                q[j] = x->qs[j] & 0xF;
                q[j + 16] = x->qs[j] >> 4;
            }
            dw = tern_h2f(x->d);
            summs = fmaf(tern_h2f(x->m), a[b].s, summs);
        } else if (t == TERN_TYPE_Q5_0 || t == TERN_TYPE_Q5_1) {
            const int one = t == TERN_TYPE_Q5_1;
            const uint8_t *qs = one ? ((const blk_q5_1 *)w + b)->qs : ((const blk_q5_0 *)w + b)->qs;
            uint32_t qh;
            memcpy(&qh, one ? ((const blk_q5_1 *)w + b)->qh : ((const blk_q5_0 *)w + b)->qh, 4);
            for (int j = 0; j < 16; j++) {
                q[j] = ((qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4)) - (one ? 0 : 16);
                q[j + 16] = ((qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4)) - (one ? 0 : 16);
            }
            if (one) {
                dw = tern_h2f(((const blk_q5_1 *)w + b)->d);
                summs = fmaf(tern_h2f(((const blk_q5_1 *)w + b)->m), a[b].s, summs);
            } else {
                dw = tern_h2f(((const blk_q5_0 *)w + b)->d);
            }
        } else {
            const blk_q8_0 *x = (const blk_q8_0 *)(w + (size_t)b * sizeof(blk_q8_0));
            for (int j = 0; j < 32; j++) q[j] = x->qs[j];
            dw = tern_h2f(x->d);
        }
        const float dd = dw * a[b].d;
        for (int l = 0; l < 8; l++) {
            int p = 0;
            for (int j = 4 * l; j < 4 * l + 4; j++) p += q[j] * a[b].qs[j];
            acc[l] = fmaf(dd, (float)p, acc[l]);
        }
    }
    return tern_lane8_has_min(t) ? tern_hsum8(acc) + summs : tern_hsum8(acc);
}

void tern_mm_lane8_scalar(int t, int k, const uint8_t *w, size_t wrb, int n0, int n1, const uint8_t *act, size_t arb,
                          int m, float *y, size_t ys) {
    for (int i = 0; i < m; i++)
        for (int j = n0; j < n1; j++)
            y[(size_t)i * ys + j] = tern_dot_lane8_scalar(t, k, w + (size_t)j * wrb, act + (size_t)i * arb);
}
