/* Simple weight quantizers (test and tooling support, not on any hot path). They produce
 * valid ggml blocks with min/max scales; llama.cpp's error-minimizing search is not needed. */
#include <math.h>

#include "quant_layouts.h"

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

static uint16_t f2bf(float f) {
    uint32_t u = tern_f32_to_bits(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40); /* quiet nan */
    return (uint16_t)((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
}

static void minmax(const float *x, int n, float *mn, float *mx) {
    float a = x[0], b = x[0];
    for (int i = 1; i < n; i++) {
        a = x[i] < a ? x[i] : a;
        b = x[i] > b ? x[i] : b;
    }
    *mn = a;
    *mx = b;
}

/* signed value of largest magnitude */
static float absmax_signed(const float *x, int n) {
    float amax = 0, max = 0;
    for (int i = 0; i < n; i++)
        if (fabsf(x[i]) > amax) { amax = fabsf(x[i]); max = x[i]; }
    return max;
}

static void q32_block(int t, const float *x, uint8_t *out) {
    int q[32];
    float mn, mx;
    minmax(x, 32, &mn, &mx);
    if (t == TERN_TYPE_Q8_0) {
        blk_q8_0 *b = (blk_q8_0 *)out;
        const float amax = fmaxf(fabsf(mn), fabsf(mx)), d = amax / 127.0f, id = d ? 1.0f / d : 0.0f;
        b->d = tern_f2h(d);
        for (int j = 0; j < 32; j++) b->qs[j] = (int8_t)clampi((int)roundf(x[j] * id), -127, 127);
        return;
    }
    const int bits5 = t == TERN_TYPE_Q5_0 || t == TERN_TYPE_Q5_1;
    const int levels = bits5 ? 31 : 15;
    float d, m = 0.0f;
    if (t == TERN_TYPE_Q4_0 || t == TERN_TYPE_Q5_0) {
        d = absmax_signed(x, 32) / (bits5 ? -16.0f : -8.0f);
        const float id = d ? 1.0f / d : 0.0f, off = bits5 ? 16.0f : 8.0f;
        for (int j = 0; j < 32; j++) q[j] = clampi((int)floorf(x[j] * id + off + 0.5f), 0, levels);
    } else {
        d = (mx - mn) / (float)levels;
        m = mn;
        const float id = d ? 1.0f / d : 0.0f;
        for (int j = 0; j < 32; j++) q[j] = clampi((int)floorf((x[j] - mn) * id + 0.5f), 0, levels);
    }
    uint8_t qs[16];
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
        qs[j] = (uint8_t)((q[j] & 0xF) | ((q[j + 16] & 0xF) << 4));
        qh |= (uint32_t)((q[j] >> 4) & 1) << j;
        qh |= (uint32_t)((q[j + 16] >> 4) & 1) << (j + 16);
    }
    const uint16_t hd = tern_f2h(d), hm = tern_f2h(m);
    switch (t) {
    case TERN_TYPE_Q4_0: { blk_q4_0 *b = (blk_q4_0 *)out; b->d = hd; memcpy(b->qs, qs, 16); break; }
    case TERN_TYPE_Q4_1: { blk_q4_1 *b = (blk_q4_1 *)out; b->d = hd; b->m = hm; memcpy(b->qs, qs, 16); break; }
    case TERN_TYPE_Q5_0: { blk_q5_0 *b = (blk_q5_0 *)out; b->d = hd; memcpy(b->qh, &qh, 4); memcpy(b->qs, qs, 16); break; }
    default: { blk_q5_1 *b = (blk_q5_1 *)out; b->d = hd; b->m = hm; memcpy(b->qh, &qh, 4); memcpy(b->qs, qs, 16); break; }
    }
}

/* Q4_K / Q5_K: 8 sub-blocks of 32 with 6-bit scales and mins. */
static void q45k_block(int bits5, const float *x, uint8_t *out) {
    const int levels = bits5 ? 31 : 15;
    float scale[8], mins[8], maxs = 0, maxm = 0;
    for (int j = 0; j < 8; j++) {
        float mn, mx;
        minmax(x + 32 * j, 32, &mn, &mx);
        mn = fminf(mn, 0.0f);
        scale[j] = (mx - mn) / (float)levels;
        mins[j] = -mn;
        maxs = fmaxf(maxs, scale[j]);
        maxm = fmaxf(maxm, mins[j]);
    }
    const float d = maxs / 63.0f, dmin = maxm / 63.0f;
    uint8_t sc[8], mn[8], scales[12] = {0};
    for (int j = 0; j < 8; j++) {
        sc[j] = (uint8_t)clampi(d ? (int)roundf(scale[j] / d) : 0, 0, 63);
        mn[j] = (uint8_t)clampi(dmin ? (int)roundf(mins[j] / dmin) : 0, 0, 63);
        if (j < 4) {
            scales[j] |= sc[j];
            scales[j + 4] |= mn[j];
        } else {
            scales[j + 4] = (uint8_t)((sc[j] & 0xF) | ((mn[j] & 0xF) << 4));
            scales[j - 4] |= (uint8_t)((sc[j] >> 4) << 6);
            scales[j] |= (uint8_t)((mn[j] >> 4) << 6);
        }
    }
    const uint16_t hd = tern_f2h(d), hdm = tern_f2h(dmin);
    const float df = tern_h2f(hd), dmf = tern_h2f(hdm);
    int q[256];
    for (int j = 0; j < 8; j++) {
        int s, m;
        tern_k4_scale_min(j, scales, &s, &m);
        const float ds = df * (float)s, dm = dmf * (float)m;
        for (int l = 0; l < 32; l++)
            q[32 * j + l] = ds ? clampi((int)roundf((x[32 * j + l] + dm) / ds), 0, levels) : 0;
    }
    uint8_t *qs = bits5 ? ((blk_q5_k *)out)->qs : ((blk_q4_k *)out)->qs;
    for (int c = 0; c < 4; c++)
        for (int l = 0; l < 32; l++)
            qs[32 * c + l] = (uint8_t)((q[64 * c + l] & 0xF) | ((q[64 * c + 32 + l] & 0xF) << 4));
    if (bits5) {
        blk_q5_k *b = (blk_q5_k *)out;
        b->d = hd; b->dmin = hdm;
        memcpy(b->scales, scales, 12);
        memset(b->qh, 0, 32);
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++) {
                b->qh[l] |= (uint8_t)(((q[64 * c + l] >> 4) & 1) << (2 * c));
                b->qh[l] |= (uint8_t)(((q[64 * c + 32 + l] >> 4) & 1) << (2 * c + 1));
            }
    } else {
        blk_q4_k *b = (blk_q4_k *)out;
        b->d = hd; b->dmin = hdm;
        memcpy(b->scales, scales, 12);
    }
}

static void q6k_block(const float *x, blk_q6_k *b) {
    float scale[16], maxs = 0;
    for (int j = 0; j < 16; j++) {
        float amax = 0;
        for (int l = 0; l < 16; l++) amax = fmaxf(amax, fabsf(x[16 * j + l]));
        scale[j] = amax / 31.0f;
        maxs = fmaxf(maxs, scale[j]);
    }
    const float d = maxs / 127.0f;
    b->d = tern_f2h(d);
    const float df = tern_h2f(b->d);
    int q[256];
    for (int j = 0; j < 16; j++) {
        b->scales[j] = (int8_t)clampi(d ? (int)roundf(scale[j] / d) : 0, -128, 127);
        const float ds = df * (float)b->scales[j];
        for (int l = 0; l < 16; l++)
            q[16 * j + l] = (ds ? clampi((int)roundf(x[16 * j + l] / ds), -32, 31) : 0) + 32;
    }
    for (int n = 0; n < 2; n++)
        for (int l = 0; l < 32; l++) {
            const int *qq = q + 128 * n;
            const int q1 = qq[l], q2 = qq[l + 32], q3 = qq[l + 64], q4 = qq[l + 96];
            b->ql[64 * n + l] = (uint8_t)((q1 & 0xF) | ((q3 & 0xF) << 4));
            b->ql[64 * n + l + 32] = (uint8_t)((q2 & 0xF) | ((q4 & 0xF) << 4));
            b->qh[32 * n + l] = (uint8_t)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
        }
}

int tern_quantize_weights_ref(int t, const float *x, int k, void *dst) {
    if (!x || !dst || tern_weight_row_bytes(t, k) == 0) return -1;
    uint8_t *o = (uint8_t *)dst;
    switch (t) {
    case TERN_TYPE_F32: memcpy(dst, x, (size_t)k * 4); return 0;
    case TERN_TYPE_F16:
        for (int i = 0; i < k; i++) { uint16_t h = tern_f2h(x[i]); memcpy(o + 2 * i, &h, 2); }
        return 0;
    case TERN_TYPE_BF16:
        for (int i = 0; i < k; i++) { uint16_t h = f2bf(x[i]); memcpy(o + 2 * i, &h, 2); }
        return 0;
    case TERN_TYPE_Q4_K:
    case TERN_TYPE_Q5_K:
        for (int b = 0; b < k / QKK; b++)
            q45k_block(t == TERN_TYPE_Q5_K, x + b * QKK, o + (size_t)b * tern_type_block_bytes(t));
        return 0;
    case TERN_TYPE_Q6_K:
        for (int b = 0; b < k / QKK; b++) q6k_block(x + b * QKK, (blk_q6_k *)o + b);
        return 0;
    }
    const size_t bb = tern_type_block_bytes(t);
    for (int b = 0; b < k / QK32; b++) q32_block(t, x + b * QK32, o + (size_t)b * bb);
    return 0;
}
