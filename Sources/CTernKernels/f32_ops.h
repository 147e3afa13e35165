/* Internal: per-ISA f32 helper kernels behind the tern_* dispatchers in f32_ops.c. */
#ifndef TERN_F32_OPS_H
#define TERN_F32_OPS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    float (*sumsq)(const float *x, int n);
    void (*scale_mul)(const float *x, const float *w, float s, float *y, int n); /* y = x*s*w (w may be NULL) */
    float (*max)(const float *x, int n);
    float (*exp_sub_sum)(float *x, float mx, int n); /* x = exp(x - mx), returns the sum */
    void (*scale)(float *x, float s, int n);
    void (*silu_mul)(const float *a, const float *b, float *y, int n);
    void (*gelu_mul)(const float *a, const float *b, float *y, int n);
    float (*dot)(const float *a, const float *b, int n);
    float (*dot_f16)(const float *a, const uint16_t *b, int n);
    void (*axpy)(float alpha, const float *x, float *y, int n);
    void (*axpy_f16)(float alpha, const uint16_t *x, float *y, int n);
    void (*to_f16)(const float *x, uint16_t *y, int n);
    void (*from_f16)(const uint16_t *x, float *y, int n);
} tern_f32_ops;

extern const tern_f32_ops tern_f32_ops_scalar;
extern const tern_f32_ops tern_f32_ops_avx2;
extern const tern_f32_ops tern_f32_ops_avx512;

#endif
