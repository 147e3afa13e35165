/* Dispatchers for the f32 helpers, and the single-head attention built from them. */
#include <math.h>

#include "f32_ops.h"
#include "quant_layouts.h"

static const tern_f32_ops *ops(tern_isa isa) {
    switch (tern_isa_clamp(isa)) {
    case TERN_ISA_AVX512: return &tern_f32_ops_avx512;
    case TERN_ISA_AVX2: return &tern_f32_ops_avx2;
    default: return &tern_f32_ops_scalar;
    }
}

void tern_rmsnorm(tern_isa isa, const float *x, const float *w, float *y, int n, float eps) {
    (void)isa; /* one order for every ISA: llama.cpp's, so results match it bit for bit */
    if (!x || !y || n <= 0) return;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        const float square = x[i] * x[i];
        sum += (double)square;
    }
    const float mean = (float)(sum / n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int i = 0; i < n; i++) y[i] = x[i] * scale;
    if (w)
        for (int i = 0; i < n; i++) y[i] = y[i] * w[i];
}

void tern_softmax_inplace(tern_isa isa, float *x, int n) {
    if (!x || n <= 0) return;
    const tern_f32_ops *o = ops(isa);
    const float mx = o->max(x, n);
    const float sum = o->exp_sub_sum(x, mx, n);
    o->scale(x, 1.0f / sum, n);
}

void tern_silu_mul(tern_isa isa, const float *a, const float *b, float *y, int n) {
    if (a && b && y && n > 0) ops(isa)->silu_mul(a, b, y, n);
}
void tern_gelu_tanh_mul(tern_isa isa, const float *a, const float *b, float *y, int n) {
    if (a && b && y && n > 0) ops(isa)->gelu_mul(a, b, y, n);
}
float tern_dot_f32(tern_isa isa, const float *a, const float *b, int n) {
    return (a && b && n > 0) ? ops(isa)->dot(a, b, n) : 0.0f;
}
void tern_axpy_f32(tern_isa isa, float alpha, const float *x, float *y, int n) {
    if (x && y && n > 0) ops(isa)->axpy(alpha, x, y, n);
}
void tern_f32_to_f16_row(tern_isa isa, const float *x, uint16_t *y, int n) {
    if (x && y && n > 0) ops(isa)->to_f16(x, y, n);
}
void tern_f16_to_f32_row(tern_isa isa, const uint16_t *x, float *y, int n) {
    if (x && y && n > 0) ops(isa)->from_f16(x, y, n);
}

int tern_attend_head(tern_isa isa, const float *q, const void *k, size_t krb, const void *v, size_t vrb, int kv_type,
                     int n, int hd, float scale, float *scores, float *out) {
    if (!q || !k || !v || !scores || !out || n <= 0 || hd <= 0) return -1;
    if (kv_type != TERN_KV_F32 && kv_type != TERN_KV_F16) return -1;
    const tern_f32_ops *o = ops(isa);
    const uint8_t *kp = (const uint8_t *)k, *vp = (const uint8_t *)v;
    for (int t = 0; t < n; t++) {
        const void *kt = kp + (size_t)t * krb;
        scores[t] = scale * (kv_type == TERN_KV_F32 ? o->dot(q, (const float *)kt, hd)
                                                    : o->dot_f16(q, (const uint16_t *)kt, hd));
    }
    tern_softmax_inplace(isa, scores, n);
    memset(out, 0, sizeof(float) * (size_t)hd);
    for (int t = 0; t < n; t++) {
        const void *vt = vp + (size_t)t * vrb;
        if (kv_type == TERN_KV_F32) o->axpy(scores[t], (const float *)vt, out, hd);
        else o->axpy_f16(scores[t], (const uint16_t *)vt, out, hd);
    }
    return 0;
}
