/* Scalar f32 helpers: the numerically straightforward reference (libm exp/tanh, double sums
 * where a long reduction would otherwise lose precision). */
#include <math.h>

#include "f32_ops.h"
#include "fast_exp.h"
#include "quant_layouts.h"

static float sumsq(const float *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    return (float)s;
}
static void scale_mul(const float *x, const float *w, float s, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] = w ? x[i] * s * w[i] : x[i] * s;
}
static float vmax(const float *x, int n) {
    float m = -INFINITY;
    for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}
static float exp_sub_sum(float *x, float mx, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - mx);
        s += x[i];
    }
    return (float)s;
}
static void scale(float *x, float s, int n) {
    for (int i = 0; i < n; i++) x[i] *= s;
}
static void silu_mul(const float *a, const float *b, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] = a[i] / (1.0f + tern_fast_expf(-a[i])) * b[i];
}
static void gelu_mul(const float *a, const float *b, float *y, int n) {
    const float c = 0.7978845608028654f; /* sqrt(2/pi) */
    for (int i = 0; i < n; i++) {
        const float x = a[i];
        y[i] = 0.5f * x * (1.0f + tanhf(c * (x + 0.044715f * x * x * x))) * b[i];
    }
}
static float dot(const float *a, const float *b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
    return (float)s;
}
static float dot_f16(const float *a, const uint16_t *b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (double)a[i] * tern_h2f(b[i]);
    return (float)s;
}
static void axpy(float alpha, const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] += alpha * x[i];
}
static void axpy_f16(float alpha, const uint16_t *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] += alpha * tern_h2f(x[i]);
}
static void to_f16(const float *x, uint16_t *y, int n) {
    for (int i = 0; i < n; i++) y[i] = tern_f2h(x[i]);
}
static void from_f16(const uint16_t *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] = tern_h2f(x[i]);
}

const tern_f32_ops tern_f32_ops_scalar = {sumsq, scale_mul, vmax,    exp_sub_sum, scale,  silu_mul, gelu_mul,
                                          dot,   dot_f16,   axpy,    axpy_f16,    to_f16, from_f16};
